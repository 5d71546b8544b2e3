import OCI

/// Everything the runtime needs to know about one container to write its OCI config.json.
/// The engine fills it from Docker's Config + HostConfig; SpecBuilder turns it into a
/// RuntimeSpec the way Docker's daemon would.
public struct ContainerRuntimeConfig: Sendable, Equatable {
    public enum Network: Sendable, Equatable {
        /// A fresh, empty network namespace (`--network none`, or bridge before the
        /// network service moves interfaces into it).
        case none
        /// The host's network namespace: no netns entry at all.
        case host
        /// Join an existing namespace (a bind-mounted netns file, or /proc/<pid>/ns/net).
        case path(String)
    }

    public enum Seccomp: Sendable, Equatable {
        /// Docker's default profile, filtered by the container's capabilities and arch.
        case `default`
        case unconfined
        /// A profile in Docker's format (what `--security-opt seccomp=file.json` reads).
        case custom([UInt8])
    }

    public struct ConsoleSize: Sendable, Equatable {
        public var rows: UInt16
        public var cols: UInt16
        public init(rows: UInt16, cols: UInt16) {
            self.rows = rows
            self.cols = cols
        }
    }

    public struct BindMount: Sendable, Equatable {
        public var source: String
        public var destination: String
        public var readonly: Bool
        /// rprivate, rshared, rslave, …
        public var propagation: String
        public init(source: String, destination: String, readonly: Bool = false, propagation: String = "rprivate") {
            self.source = source
            self.destination = destination
            self.readonly = readonly
            self.propagation = propagation
        }
    }

    /// `--tmpfs` and `--mount type=tmpfs`: Docker's noexec,nosuid,nodev come first, the
    /// user's options after (so `exec` can undo `noexec`).
    public struct TmpfsMount: Sendable, Equatable {
        public var destination: String
        public var options: [String]
        public init(destination: String, options: [String]) {
            self.destination = destination
            self.options = options
        }
    }

    public var id: String
    public var rootfs: String
    public var args: [String]
    public var env: [String]
    public var cwd: String
    public var uid: UInt32
    public var gid: UInt32
    public var additionalGids: [UInt32]
    public var tty: Bool
    /// Rows and columns of the terminal at start (`ConsoleSize` in the API); TTY only.
    public var consoleSize: ConsoleSize?
    public var hostname: String
    public var readonlyRootfs: Bool
    public var network: Network
    /// /etc/hosts, /etc/resolv.conf, /etc/hostname and volumes.
    public var bindMounts: [BindMount]
    public var capAdd: [String]
    public var capDrop: [String]
    public var privileged: Bool
    public var seccomp: Seccomp
    public var noNewPrivileges: Bool
    public var rlimits: [RuntimeSpecRlimit]
    /// Size of /dev/shm in bytes; Docker's default is 64 MiB.
    public var shmSize: Int64
    /// nil → `/wharf/<id>` (cgroupfs driver layout; runc maps it on v1 and v2).
    public var cgroupsPath: String?
    /// nil → a private cgroup namespace on cgroup v2 hosts, the host's on v1 (Docker's
    /// defaults for `--cgroupns`).
    public var privateCgroupNamespace: Bool?
    public var sysctls: [String: String]
    public var resources: RuntimeSpecResources?
    /// `--device` nodes (`--privileged` adds every host device itself).
    public var devices: [HostDevices.Mapping] = []
    /// `--device-cgroup-rule` entries.
    public var deviceRules: [RuntimeSpecDeviceCgroup] = []
    public var tmpfsMounts: [TmpfsMount] = []

    public init(id: String, rootfs: String, args: [String], env: [String] = [], cwd: String = "/",
                uid: UInt32 = 0, gid: UInt32 = 0, additionalGids: [UInt32] = [], tty: Bool = false,
                consoleSize: ConsoleSize? = nil, hostname: String = "",
                readonlyRootfs: Bool = false, network: Network = .none, bindMounts: [BindMount] = [],
                capAdd: [String] = [], capDrop: [String] = [], privileged: Bool = false,
                seccomp: Seccomp = .default, noNewPrivileges: Bool = false,
                rlimits: [RuntimeSpecRlimit] = [], shmSize: Int64 = 64 * 1024 * 1024,
                cgroupsPath: String? = nil, privateCgroupNamespace: Bool? = nil,
                sysctls: [String: String] = [:], resources: RuntimeSpecResources? = nil) {
        self.id = id
        self.rootfs = rootfs
        self.args = args
        self.env = env
        self.cwd = cwd
        self.uid = uid
        self.gid = gid
        self.additionalGids = additionalGids
        self.tty = tty
        self.consoleSize = consoleSize
        self.hostname = hostname
        self.readonlyRootfs = readonlyRootfs
        self.network = network
        self.bindMounts = bindMounts
        self.capAdd = capAdd
        self.capDrop = capDrop
        self.privileged = privileged
        self.seccomp = seccomp
        self.noNewPrivileges = noNewPrivileges
        self.rlimits = rlimits
        self.shmSize = shmSize
        self.cgroupsPath = cgroupsPath
        self.privateCgroupNamespace = privateCgroupNamespace
        self.sysctls = sysctls
        self.resources = resources
    }
}

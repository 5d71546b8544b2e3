// OCI runtime-spec (config.json) types, with the spec's JSON keys. Only the parts Wharf
// writes are modelled; optional members are omitted from the JSON when nil, as runc and
// Docker expect (an empty `"seccomp": null` would be rejected by some runtimes).

public struct RuntimeSpec: Codable, Sendable, Equatable {
    public var ociVersion: String
    public var process: RuntimeSpecProcess?
    public var root: RuntimeSpecRoot?
    public var hostname: String?
    public var mounts: [RuntimeSpecMount]?
    public var linux: RuntimeSpecLinux?
    public var annotations: [String: String]?

    public init(ociVersion: String = "1.0.2-dev", process: RuntimeSpecProcess? = nil,
                root: RuntimeSpecRoot? = nil, hostname: String? = nil,
                mounts: [RuntimeSpecMount]? = nil, linux: RuntimeSpecLinux? = nil,
                annotations: [String: String]? = nil) {
        self.ociVersion = ociVersion
        self.process = process
        self.root = root
        self.hostname = hostname
        self.mounts = mounts
        self.linux = linux
        self.annotations = annotations
    }
}

public struct RuntimeSpecProcess: Codable, Sendable, Equatable {
    public var terminal: Bool?
    public var consoleSize: RuntimeSpecBox?
    public var user: RuntimeSpecUser
    public var args: [String]
    public var env: [String]?
    public var cwd: String
    public var capabilities: RuntimeSpecCapabilities?
    public var rlimits: [RuntimeSpecRlimit]?
    public var noNewPrivileges: Bool?
    public var apparmorProfile: String?
    public var oomScoreAdj: Int?
    public var selinuxLabel: String?

    public init(terminal: Bool? = nil, consoleSize: RuntimeSpecBox? = nil,
                user: RuntimeSpecUser = .init(), args: [String], env: [String]? = nil,
                cwd: String = "/", capabilities: RuntimeSpecCapabilities? = nil,
                rlimits: [RuntimeSpecRlimit]? = nil, noNewPrivileges: Bool? = nil,
                apparmorProfile: String? = nil, oomScoreAdj: Int? = nil, selinuxLabel: String? = nil) {
        self.terminal = terminal
        self.consoleSize = consoleSize
        self.user = user
        self.args = args
        self.env = env
        self.cwd = cwd
        self.capabilities = capabilities
        self.rlimits = rlimits
        self.noNewPrivileges = noNewPrivileges
        self.apparmorProfile = apparmorProfile
        self.oomScoreAdj = oomScoreAdj
        self.selinuxLabel = selinuxLabel
    }
}

public struct RuntimeSpecBox: Codable, Sendable, Equatable {
    public var height: UInt
    public var width: UInt
    public init(height: UInt, width: UInt) {
        self.height = height
        self.width = width
    }
}

public struct RuntimeSpecUser: Codable, Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    public var umask: UInt32?
    public var additionalGids: [UInt32]?
    public var username: String?

    public init(uid: UInt32 = 0, gid: UInt32 = 0, umask: UInt32? = nil,
                additionalGids: [UInt32]? = nil, username: String? = nil) {
        self.uid = uid
        self.gid = gid
        self.umask = umask
        self.additionalGids = additionalGids
        self.username = username
    }
}

public struct RuntimeSpecCapabilities: Codable, Sendable, Equatable {
    public var bounding: [String]?
    public var effective: [String]?
    public var permitted: [String]?
    public var inheritable: [String]?
    public var ambient: [String]?

    public init(bounding: [String]? = nil, effective: [String]? = nil, permitted: [String]? = nil,
                inheritable: [String]? = nil, ambient: [String]? = nil) {
        self.bounding = bounding
        self.effective = effective
        self.permitted = permitted
        self.inheritable = inheritable
        self.ambient = ambient
    }
}

public struct RuntimeSpecRlimit: Codable, Sendable, Equatable {
    /// `RLIMIT_NOFILE` and friends.
    public var type: String
    public var hard: UInt64
    public var soft: UInt64
    public init(type: String, hard: UInt64, soft: UInt64) {
        self.type = type
        self.hard = hard
        self.soft = soft
    }
}

public struct RuntimeSpecRoot: Codable, Sendable, Equatable {
    public var path: String
    public var readonly: Bool?
    public init(path: String, readonly: Bool? = nil) {
        self.path = path
        self.readonly = readonly
    }
}

public struct RuntimeSpecMount: Codable, Sendable, Equatable {
    public var destination: String
    public var type: String?
    public var source: String?
    public var options: [String]?
    public init(destination: String, type: String? = nil, source: String? = nil, options: [String]? = nil) {
        self.destination = destination
        self.type = type
        self.source = source
        self.options = options
    }
}

public struct RuntimeSpecLinux: Codable, Sendable, Equatable {
    public var namespaces: [RuntimeSpecNamespace]?
    public var uidMappings: [RuntimeSpecIDMapping]?
    public var gidMappings: [RuntimeSpecIDMapping]?
    public var devices: [RuntimeSpecDevice]?
    public var resources: RuntimeSpecResources?
    public var cgroupsPath: String?
    public var maskedPaths: [String]?
    public var readonlyPaths: [String]?
    public var seccomp: RuntimeSpecSeccomp?
    public var sysctl: [String: String]?
    public var rootfsPropagation: String?
    public var mountLabel: String?

    public init(namespaces: [RuntimeSpecNamespace]? = nil, uidMappings: [RuntimeSpecIDMapping]? = nil,
                gidMappings: [RuntimeSpecIDMapping]? = nil, devices: [RuntimeSpecDevice]? = nil,
                resources: RuntimeSpecResources? = nil, cgroupsPath: String? = nil,
                maskedPaths: [String]? = nil, readonlyPaths: [String]? = nil,
                seccomp: RuntimeSpecSeccomp? = nil, sysctl: [String: String]? = nil,
                rootfsPropagation: String? = nil, mountLabel: String? = nil) {
        self.namespaces = namespaces
        self.uidMappings = uidMappings
        self.gidMappings = gidMappings
        self.devices = devices
        self.resources = resources
        self.cgroupsPath = cgroupsPath
        self.maskedPaths = maskedPaths
        self.readonlyPaths = readonlyPaths
        self.seccomp = seccomp
        self.sysctl = sysctl
        self.rootfsPropagation = rootfsPropagation
        self.mountLabel = mountLabel
    }
}

public struct RuntimeSpecNamespace: Codable, Sendable, Equatable {
    /// pid, network, mount, ipc, uts, user, cgroup.
    public var type: String
    public var path: String?
    public init(type: String, path: String? = nil) {
        self.type = type
        self.path = path
    }
}

public struct RuntimeSpecIDMapping: Codable, Sendable, Equatable {
    public var containerID: UInt32
    public var hostID: UInt32
    public var size: UInt32
    public init(containerID: UInt32, hostID: UInt32, size: UInt32) {
        self.containerID = containerID
        self.hostID = hostID
        self.size = size
    }
}

/// A device node to create in the container (`linux.devices`).
public struct RuntimeSpecDevice: Codable, Sendable, Equatable {
    public var path: String
    public var type: String
    public var major: Int64?
    public var minor: Int64?
    public var fileMode: UInt32?
    public var uid: UInt32?
    public var gid: UInt32?
    public init(path: String, type: String, major: Int64? = nil, minor: Int64? = nil,
                fileMode: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil) {
        self.path = path
        self.type = type
        self.major = major
        self.minor = minor
        self.fileMode = fileMode
        self.uid = uid
        self.gid = gid
    }
}

public struct RuntimeSpecResources: Codable, Sendable, Equatable {
    public var devices: [RuntimeSpecDeviceCgroup]?
    public var memory: RuntimeSpecMemory?
    public var cpu: RuntimeSpecCPU?
    public var pids: RuntimeSpecPids?
    public init(devices: [RuntimeSpecDeviceCgroup]? = nil, memory: RuntimeSpecMemory? = nil,
                cpu: RuntimeSpecCPU? = nil, pids: RuntimeSpecPids? = nil) {
        self.devices = devices
        self.memory = memory
        self.cpu = cpu
        self.pids = pids
    }
}

/// One device-cgroup rule; nil major/minor means "any" (`*`).
public struct RuntimeSpecDeviceCgroup: Codable, Sendable, Equatable {
    public var allow: Bool
    public var type: String?
    public var major: Int64?
    public var minor: Int64?
    public var access: String?
    public init(allow: Bool, type: String? = nil, major: Int64? = nil, minor: Int64? = nil, access: String? = nil) {
        self.allow = allow
        self.type = type
        self.major = major
        self.minor = minor
        self.access = access
    }
}

public struct RuntimeSpecMemory: Codable, Sendable, Equatable {
    public var limit: Int64?
    public var reservation: Int64?
    public var swap: Int64?
    public var swappiness: UInt64?
    public var disableOOMKiller: Bool?
    public init(limit: Int64? = nil, reservation: Int64? = nil, swap: Int64? = nil,
                swappiness: UInt64? = nil, disableOOMKiller: Bool? = nil) {
        self.limit = limit
        self.reservation = reservation
        self.swap = swap
        self.swappiness = swappiness
        self.disableOOMKiller = disableOOMKiller
    }
}

public struct RuntimeSpecCPU: Codable, Sendable, Equatable {
    public var shares: UInt64?
    public var quota: Int64?
    public var period: UInt64?
    public var cpus: String?
    public var mems: String?
    public init(shares: UInt64? = nil, quota: Int64? = nil, period: UInt64? = nil,
                cpus: String? = nil, mems: String? = nil) {
        self.shares = shares
        self.quota = quota
        self.period = period
        self.cpus = cpus
        self.mems = mems
    }
}

public struct RuntimeSpecPids: Codable, Sendable, Equatable {
    public var limit: Int64
    public init(limit: Int64) { self.limit = limit }
}

public struct RuntimeSpecSeccomp: Codable, Sendable, Equatable {
    public var defaultAction: String
    public var defaultErrnoRet: UInt32?
    public var architectures: [String]?
    public var flags: [String]?
    public var syscalls: [RuntimeSpecSyscall]?
    public init(defaultAction: String, defaultErrnoRet: UInt32? = nil, architectures: [String]? = nil,
                flags: [String]? = nil, syscalls: [RuntimeSpecSyscall]? = nil) {
        self.defaultAction = defaultAction
        self.defaultErrnoRet = defaultErrnoRet
        self.architectures = architectures
        self.flags = flags
        self.syscalls = syscalls
    }
}

public struct RuntimeSpecSyscall: Codable, Sendable, Equatable {
    public var names: [String]
    public var action: String
    public var errnoRet: UInt32?
    public var args: [RuntimeSpecSeccompArg]?
    public init(names: [String], action: String, errnoRet: UInt32? = nil, args: [RuntimeSpecSeccompArg]? = nil) {
        self.names = names
        self.action = action
        self.errnoRet = errnoRet
        self.args = args
    }
}

public struct RuntimeSpecSeccompArg: Codable, Sendable, Equatable {
    public var index: UInt
    public var value: UInt64
    public var valueTwo: UInt64?
    public var op: String
    public init(index: UInt, value: UInt64, valueTwo: UInt64? = nil, op: String) {
        self.index = index
        self.value = value
        self.valueTwo = valueTwo
        self.op = op
    }
}

import FoundationEssentials
import Glibc
import OCI
import WharfCore

/// A seccomp profile in Docker's format (moby `profiles/seccomp`), and its conversion to
/// the OCI `linux.seccomp` shape for one container, as moby's `setupSeccomp` does: entries
/// are kept or dropped by the container's capabilities, the architecture and the kernel.
public struct SeccompProfile: Codable, Sendable {
    public struct ArchMap: Codable, Sendable {
        public var architecture: String
        public var subArchitectures: [String]?
    }

    public struct Filter: Codable, Sendable {
        public var caps: [String]?
        public var arches: [String]?
        public var minKernel: String?
    }

    public struct Syscall: Codable, Sendable {
        public var name: String?
        public var names: [String]?
        public var action: String
        public var errnoRet: UInt32?
        public var args: [RuntimeSpecSeccompArg]?
        public var includes: Filter?
        public var excludes: Filter?
    }

    public var defaultAction: String
    public var defaultErrnoRet: UInt32?
    public var architectures: [String]?
    public var archMap: [ArchMap]?
    public var flags: [String]?
    public var syscalls: [Syscall]?

    /// Docker's default profile, parsed once.
    public static let dockerDefault: SeccompProfile = {
        // The literal is generated from Docker's own file; failing to parse it is a build bug.
        // swiftlint:disable:next force_try
        try! JSONDecoder().decode(SeccompProfile.self, from: Data(DockerDefaultSeccomp.json.utf8))
    }()

    public static func parse(_ bytes: [UInt8]) throws -> SeccompProfile {
        do {
            return try JSONDecoder().decode(SeccompProfile.self, from: Data(bytes))
        } catch {
            throw WharfError.invalid("Decoding seccomp profile failed: \(error)")
        }
    }

    /// The Go name of this machine's architecture, as the profile's `arches` filters use it.
    public static var hostGoArch: String {
        #if arch(x86_64)
        return "amd64"
        #elseif arch(arm64)
        return "arm64"
        #elseif arch(s390x)
        return "s390x"
        #elseif arch(powerpc64le)
        return "ppc64le"
        #elseif arch(riscv64)
        return "riscv64"
        #else
        return "unknown"
        #endif
    }

    static let seccompArchByGoArch: [String: String] = [
        "amd64": "SCMP_ARCH_X86_64", "arm64": "SCMP_ARCH_AARCH64", "s390x": "SCMP_ARCH_S390X",
        "ppc64le": "SCMP_ARCH_PPC64LE", "riscv64": "SCMP_ARCH_RISCV64",
        "loong64": "SCMP_ARCH_LOONGARCH64", "mips64": "SCMP_ARCH_MIPS64",
        "mips64le": "SCMP_ARCH_MIPSEL64",
    ]

    /// The OCI filter for a container with capabilities `caps` (the bounding set) on
    /// architecture `goArch` and a kernel of version `kernel` (major, minor).
    public func ociSeccomp(caps: [String], goArch: String = SeccompProfile.hostGoArch,
                           kernel: (Int, Int) = SeccompProfile.hostKernelVersion) throws -> RuntimeSpecSeccomp {
        var arches: [String] = []
        if let a = architectures, !a.isEmpty {
            arches = a
        } else if let maps = archMap, let native = Self.seccompArchByGoArch[goArch] {
            for m in maps where m.architecture == native {
                arches.append(m.architecture)
                arches.append(contentsOf: m.subArchitectures ?? [])
            }
        }
        var out: [RuntimeSpecSyscall] = []
        for call in syscalls ?? [] {
            if call.name != nil && call.names != nil {
                throw WharfError.invalid("use either 'name' or 'names' in a seccomp profile entry")
            }
            if let ex = call.excludes {
                if let a = ex.arches, a.contains(goArch) { continue }
                if let c = ex.caps, c.contains(where: { caps.contains($0) }) { continue }
                if let k = ex.minKernel, let v = Self.parseKernel(k), Self.atLeast(kernel, v) { continue }
            }
            if let inc = call.includes {
                if let a = inc.arches, !a.isEmpty, !a.contains(goArch) { continue }
                if let c = inc.caps, !c.allSatisfy({ caps.contains($0) }) { continue }
                if let k = inc.minKernel, let v = Self.parseKernel(k), !Self.atLeast(kernel, v) { continue }
            }
            let names = call.names ?? (call.name.map { [$0] } ?? [])
            if names.isEmpty { continue }
            out.append(RuntimeSpecSyscall(names: names, action: call.action, errnoRet: call.errnoRet,
                                          args: (call.args?.isEmpty ?? true) ? nil : call.args))
        }
        return RuntimeSpecSeccomp(defaultAction: defaultAction, defaultErrnoRet: defaultErrnoRet,
                                  architectures: arches.isEmpty ? nil : arches,
                                  flags: (flags?.isEmpty ?? true) ? nil : flags, syscalls: out)
    }

    static func parseKernel(_ s: String) -> (Int, Int)? {
        let parts = s.split(separator: ".")
        guard parts.count >= 2, let a = Int(parts[0]),
              let b = Int(parts[1].prefix(while: { $0.isNumber })) else { return nil }
        return (a, b)
    }

    static func atLeast(_ k: (Int, Int), _ v: (Int, Int)) -> Bool {
        k.0 > v.0 || (k.0 == v.0 && k.1 >= v.1)
    }

    /// The running kernel's (major, minor), from uname(2).
    public static let hostKernelVersion: (Int, Int) = {
        var u = utsname()
        guard uname(&u) == 0 else { return (0, 0) }
        let release = withUnsafePointer(to: u.release) {
            $0.withMemoryRebound(to: CChar.self, capacity: 65) { String(cString: $0) }
        }
        return parseKernel(release) ?? (0, 0)
    }()
}

import WharfCore

/// One member of a tar archive: its header, with PAX and GNU extensions already applied.
/// Content is read from (or written to) the reader/writer right after the header.
public struct TarEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case file, hardLink, symlink, charDevice, blockDevice, directory, fifo
        /// A type this code does not interpret (GNU volume headers, Solaris ACLs…).
        case other(UInt8)
    }

    /// The member's path as stored (relative, "/"-separated; directories may end in "/").
    public var path: String
    public var kind: Kind
    /// Target of a symlink or hard link.
    public var linkName: String
    /// Permission bits, with setuid/setgid/sticky (07777).
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    public var userName: String
    public var groupName: String
    /// Content size in bytes (regular files; 0 for everything else).
    public var size: Int64
    public var modified: Timestamp
    public var devMajor: UInt32
    public var devMinor: UInt32
    /// Extended attributes from PAX `SCHILY.xattr.<name>` records.
    public var xattrs: [String: [UInt8]]
    /// Other PAX records, for callers that care (e.g. `LIBARCHIVE.*`).
    public var paxRecords: [String: String]

    public init(path: String, kind: Kind, size: Int64 = 0, mode: UInt32? = nil, linkName: String = "",
                uid: Int = 0, gid: Int = 0, modified: Timestamp = Timestamp(seconds: 0)) {
        self.path = path
        self.kind = kind
        self.linkName = linkName
        self.mode = mode ?? (kind == .directory ? 0o755 : (kind == .symlink ? 0o777 : 0o644))
        self.uid = uid
        self.gid = gid
        self.userName = ""
        self.groupName = ""
        self.size = size
        self.modified = modified
        self.devMajor = 0
        self.devMinor = 0
        self.xattrs = [:]
        self.paxRecords = [:]
    }

    var typeFlag: UInt8 {
        switch kind {
        case .file: return UInt8(ascii: "0")
        case .hardLink: return UInt8(ascii: "1")
        case .symlink: return UInt8(ascii: "2")
        case .charDevice: return UInt8(ascii: "3")
        case .blockDevice: return UInt8(ascii: "4")
        case .directory: return UInt8(ascii: "5")
        case .fifo: return UInt8(ascii: "6")
        case .other(let f): return f
        }
    }

    static func kind(forTypeFlag f: UInt8, path: String) -> Kind {
        switch f {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
            // Pre-POSIX archives mark directories only by the trailing slash.
            return (f == 0 && path.hasSuffix("/")) ? .directory : .file
        case UInt8(ascii: "1"): return .hardLink
        case UInt8(ascii: "2"): return .symlink
        case UInt8(ascii: "3"): return .charDevice
        case UInt8(ascii: "4"): return .blockDevice
        case UInt8(ascii: "5"): return .directory
        case UInt8(ascii: "6"): return .fifo
        default: return .other(f)
        }
    }
}

/// Header field offsets and lengths of a 512-byte ustar header.
enum TarField {
    static let name = (0, 100), mode = (100, 8), uid = (108, 8), gid = (116, 8), size = (124, 12)
    static let mtime = (136, 12), checksum = (148, 8), typeFlag = 156, linkName = (157, 100)
    static let magic = (257, 6), version = (263, 2), uname = (265, 32), gname = (297, 32)
    static let devMajor = (329, 8), devMinor = (337, 8), prefix = (345, 155)
    static let blockSize = 512
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `X-Docker-Container-Path-Stat`: base64 of this JSON. `mode` is a Go `os.FileMode`
/// (permission bits plus type bits: directory 1<<31, symlink 1<<27, …).
public struct PathStat: Codable, Sendable, Equatable {
    public var name: String
    public var size: Int64
    public var mode: UInt32
    public var mtime: String
    public var linkTarget: String

    public init(name: String, size: Int64, mode: UInt32, mtime: String, linkTarget: String) {
        self.name = name
        self.size = size
        self.mode = mode
        self.mtime = mtime
        self.linkTarget = linkTarget
    }

    public var headerValue: String {
        Data((try? APIJSON.encode(self)) ?? []).base64EncodedString()
    }

    public static let modeDir: UInt32 = 1 << 31
    public static let modeSymlink: UInt32 = 1 << 27
    public static let modeDevice: UInt32 = 1 << 26
    public static let modeNamedPipe: UInt32 = 1 << 25
    public static let modeSocket: UInt32 = 1 << 24
    public static let modeSetuid: UInt32 = 1 << 23
    public static let modeSetgid: UInt32 = 1 << 22
    public static let modeCharDevice: UInt32 = 1 << 21
    public static let modeSticky: UInt32 = 1 << 20
}

/// One line of `GET /containers/{id}/changes`: Kind 0 changed, 1 added, 2 deleted.
public struct ContainerChange: Codable, Sendable, Equatable {
    public var Path: String
    public var Kind: Int
    public init(Path: String, Kind: Int) {
        self.Path = Path
        self.Kind = Kind
    }
}

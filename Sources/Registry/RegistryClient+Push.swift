import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1
import OCI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension RegistryClient {
    /// `HEAD /v2/<name>/blobs/<digest>`.
    public func blobExists(_ d: Digest) async throws -> Bool {
        let r = try await send(.HEAD, "/v2/\(repository)/blobs/\(d.string)", timeout: .seconds(60))
        _ = try? await r.body.collect(upTo: 1 << 16)
        switch r.status.code {
        case 200: return true
        case 404: return false
        case 401, 403: throw pushDenied()
        default: throw WharfError.internalError("checking blob \(d.string): \(r.status.code)")
        }
    }

    /// Cross-repository mount: the registry links a blob it already holds in `from`.
    public func mountBlob(_ d: Digest, from: String) async throws -> Bool {
        let r = try await send(.POST, "/v2/\(repository)/blobs/uploads/?mount=\(d.string)&from=\(from)", timeout: .seconds(60))
        _ = try? await r.body.collect(upTo: 1 << 16)
        if r.status == .created { return true }
        if r.status == .accepted, let loc = r.headers.first(name: "Location") {
            // The registry started an ordinary upload instead: leave it unfinished.
            let done = try? await send(.DELETE, absolute(loc), timeout: .seconds(30))
            _ = try? await done?.body.collect(upTo: 1 << 16)
        }
        return false
    }

    /// Uploads a file as a blob: one PUT when small, PATCHes of 16 MiB then the closing PUT
    /// when large (the spec's chunked upload). `progress` gets the bytes sent so far.
    public func uploadBlob(_ d: Descriptor, from path: String, progress: @escaping @Sendable (Int64) -> Void) async throws {
        let start = try await send(.POST, "/v2/\(repository)/blobs/uploads/", headers: [("Content-Length", "0")], timeout: .seconds(60))
        let startBody = try await start.body.collect(upTo: 1 << 16)
        guard start.status == .accepted, var location = start.headers.first(name: "Location") else {
            if start.status.code == 401 || start.status.code == 403 { throw pushDenied() }
            throw WharfError.internalError("starting upload of \(d.digest.string): \(start.status.code) \(Self.errorText(startBody))")
        }
        let chunk: Int64 = 16 << 20
        var offset: Int64 = 0
        if d.size > 2 * chunk {
            while offset < d.size {
                let len = min(chunk, d.size - offset)
                let from = offset
                let r = try await send(.PATCH, absolute(location), headers: [
                    ("Content-Type", "application/octet-stream"), ("Content-Range", "\(from)-\(from + len - 1)"),
                    ("Content-Length", String(len)),
                ], body: { .bytes(try Self.readRange(path, from, len)) })
                let body = try await r.body.collect(upTo: 1 << 16)
                guard r.status == .accepted, let next = r.headers.first(name: "Location") else {
                    throw WharfError.internalError("uploading \(d.digest.string): \(r.status.code) \(Self.errorText(body))")
                }
                location = next
                offset += len
                progress(offset)
            }
        }
        let rest = d.size - offset
        let from = offset
        let sep = location.contains("?") ? "&" : "?"
        let r = try await send(.PUT, absolute(location) + sep + "digest=" + d.digest.string, headers: [
            ("Content-Type", "application/octet-stream"), ("Content-Length", String(rest)),
        ], body: { .bytes(try Self.readRange(path, from, rest)) })
        let body = try await r.body.collect(upTo: 1 << 16)
        guard r.status == .created else {
            throw WharfError.internalError("uploading \(d.digest.string): \(r.status.code) \(Self.errorText(body))")
        }
        progress(d.size)
    }

    /// `PUT /v2/<name>/manifests/<tag>`.
    public func putManifest(_ bytes: [UInt8], mediaType: String, tag: String) async throws {
        let r = try await send(.PUT, "/v2/\(repository)/manifests/\(tag)", headers: [("Content-Type", mediaType)],
                               body: { .bytes(ByteBuffer(bytes: bytes)) }, timeout: .seconds(60))
        let body = try await r.body.collect(upTo: 1 << 20)
        guard r.status == .created else {
            if r.status.code == 401 || r.status.code == 403 { throw pushDenied() }
            throw WharfError.internalError("putting manifest: \(r.status.code) \(Self.errorText(body))")
        }
    }

    func pushDenied() -> WharfError {
        WharfError(.unauthorized, "denied: requested access to the resource is denied")
    }

    /// A Location header may be relative to the registry.
    func absolute(_ location: String) -> String {
        location.hasPrefix("http://") || location.hasPrefix("https://") ? location : baseURL + location
    }

    static func readRange(_ path: String, _ offset: Int64, _ length: Int64) throws -> ByteBuffer {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", path, errno)) }
        defer { close(fd) }
        var buf = ByteBuffer()
        buf.reserveCapacity(Int(length))
        var got: Int64 = 0
        var tmp = [UInt8](repeating: 0, count: 1 << 20)
        while got < length {
            let want = Int(min(Int64(tmp.count), length - got))
            let n = tmp.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(offset + got)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw WharfError.internalError("reading \(path): unexpected end") }
            buf.writeBytes(tmp[0..<n])
            got += Int64(n)
        }
        return buf
    }
}

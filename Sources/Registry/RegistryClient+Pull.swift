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
    static let manifestAccept = [
        MediaTypes.ociIndex, MediaTypes.dockerManifestList, MediaTypes.ociManifest, MediaTypes.dockerManifest,
    ].joined(separator: ", ")

    /// A manifest or index as the registry sent it, with its digest.
    public struct FetchedManifest: Sendable {
        public var bytes: [UInt8]
        public var mediaType: String
        public var digest: Digest
    }

    /// `GET /v2/<name>/manifests/<tag|digest>`. A digest reference is checked against the
    /// bytes; "not found" has Docker's wording.
    public func manifest(_ reference: String, displayName: String) async throws -> FetchedManifest {
        // Docker answers an unauthorized pull with "pull access denied" (a 404): a 401 would
        // make the docker CLI prompt for a login.
        let denied = WharfError(.notFound, "pull access denied for \(repository), repository does not exist or may require 'docker login': denied: requested access to the resource is denied")
        let r: Response
        do {
            r = try await send(.GET, "/v2/\(repository)/manifests/\(reference)", headers: [("Accept", Self.manifestAccept)],
                               timeout: .seconds(60))
        } catch let e as WharfError where e.code == .unauthorized {
            throw denied
        }
        let body = try await r.body.collect(upTo: 8 << 20)
        switch r.status.code {
        case 200: break
        case 404:
            throw WharfError.notFound("manifest for \(displayName) not found: \(Self.errorText(body))")
        case 401, 403:
            throw denied
        default:
            throw WharfError.internalError("error from registry: \(Self.errorText(body))")
        }
        let bytes = Array(buffer: body)
        let digest = Digest.sha256(bytes)
        if let expected = try? Digest(parsing: reference), expected != digest {
            throw WharfError.invalid("manifest verification failed for digest \(reference)")
        }
        var mediaType = r.headers.first(name: "Content-Type") ?? ""
        if let semi = mediaType.firstIndex(of: ";") { mediaType = String(mediaType[..<semi]) }
        // Some registries serve application/json: the document says what it is.
        struct Probe: Decodable { var mediaType: String?; var manifests: [Descriptor]? }
        if !MediaTypes.isIndex(mediaType) && !MediaTypes.isManifest(mediaType),
           let p = try? JSONDecoder().decode(Probe.self, from: Data(bytes)) {
            mediaType = p.mediaType ?? (p.manifests != nil ? MediaTypes.ociIndex : MediaTypes.ociManifest)
        }
        return FetchedManifest(bytes: bytes, mediaType: mediaType, digest: digest)
    }

    /// `GET /v2/<name>/tags/list`.
    public func tags() async throws -> [String] {
        let r = try await send(.GET, "/v2/\(repository)/tags/list", timeout: .seconds(60))
        let body = try await r.body.collect(upTo: 16 << 20)
        guard r.status == .ok else {
            if r.status.code == 404 { throw WharfError.notFound("repository \(repository) not found: \(Self.errorText(body))") }
            throw WharfError.internalError("listing tags of \(repository): \(r.status.code) \(Self.errorText(body))")
        }
        struct Tags: Decodable { var tags: [String]? }
        return (try JSONDecoder().decode(Tags.self, from: Data(Array(buffer: body)))).tags?.sorted() ?? []
    }

    /// A small blob (a config) in memory, digest checked.
    public func blobBytes(_ d: Descriptor) async throws -> [UInt8] {
        let r = try await send(.GET, "/v2/\(repository)/blobs/\(d.digest.string)", timeout: .seconds(120))
        let body = try await r.body.collect(upTo: 64 << 20)
        guard r.status == .ok else {
            throw WharfError.internalError("fetching blob \(d.digest.string): \(r.status.code) \(Self.errorText(body))")
        }
        let bytes = Array(buffer: body)
        guard Digest.sha256(bytes) == d.digest else {
            throw WharfError.internalError("digest mismatch for blob \(d.digest.string)")
        }
        return bytes
    }

    /// Streams a blob into `path`, checking its digest as it comes; a partial file from an
    /// interrupted try is continued with a Range request when the registry allows.
    /// `progress` gets the bytes so far.
    public func downloadBlob(_ d: Descriptor, to path: String, progress: @Sendable (Int64) -> Void) async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await downloadOnce(d, to: path, progress: progress)
                return
            } catch let e as WharfError where e.code == .invalidArgument || attempt >= 3 {
                throw e
            } catch {
                if attempt >= 3 { throw error }
                try await Task.sleep(nanoseconds: UInt64(300_000_000 << (attempt - 1)))
            }
        }
    }

    private func downloadOnce(_ d: Descriptor, to path: String, progress: @Sendable (Int64) -> Void) async throws {
        var have: Int64 = 0
        var st = stat()
        if stat(path, &st) == 0 { have = Int64(st.st_size) }
        if have >= d.size { have = 0 }
        let headers = have > 0 ? [("Range", "bytes=\(have)-")] : []
        let r = try await send(.GET, "/v2/\(repository)/blobs/\(d.digest.string)", headers: headers)
        let resumed = r.status == .partialContent && have > 0
        guard r.status == .ok || resumed else {
            let body = try await r.body.collect(upTo: 1 << 20)
            throw WharfError.internalError("fetching blob \(d.digest.string): \(r.status.code) \(Self.errorText(body))")
        }
        // The digest covers the whole file: a resumed one hashes what it already has first.
        var hasher = SHA256Hasher()
        if resumed { try Self.hashPrefix(path, have, into: &hasher) }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (resumed ? O_APPEND : O_TRUNC), 0o600)
        guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", path, errno)) }
        defer { close(fd) }
        var written: Int64 = resumed ? have : 0
        for try await chunk in r.body {
            chunk.withUnsafeReadableBytes { hasher.update($0) }
            try chunk.withUnsafeReadableBytes { try FS.writeAll(fd, $0, path: path) }
            written += Int64(chunk.readableBytes)
            progress(written)
        }
        guard written == d.size || d.size <= 0 else {
            throw WharfError.internalError("short read of blob \(d.digest.string): \(written) of \(d.size) bytes")
        }
        guard hasher.finalizeDigest() == d.digest else {
            unlink(path)
            throw WharfError.invalid("digest mismatch for blob \(d.digest.string)")
        }
    }

    /// Feeds the first `length` bytes of a file to `h`.
    static func hashPrefix(_ path: String, _ length: Int64, into h: inout SHA256Hasher) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", path, errno)) }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        var left = length
        while left > 0 {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, min($0.count, Int(left))) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw WharfError.internalError(errnoMessage("read", path, errno)) }
            if n == 0 { break }
            buf.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            left -= Int64(n)
        }
    }
}

import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import Registry
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension ImageService {
    /// `POST /images/create?fromSrc=<url>`: downloads the tar (redirects followed), then
    /// imports it as a body would be. An unreachable URL is a clear error.
    public func importImage(url: String, options: ImportOptions) async throws -> String {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw WharfError.invalid("import source must be \"-\" or an http(s) URL, not \(url)")
        }
        let path = tmpDir + "/import-" + ContainerID.generate().prefix(16)
        defer { unlink(path) }
        var req = HTTPClientRequest(url: url)
        req.method = .GET
        let resp: HTTPClientResponse
        do {
            resp = try await RegistryClient.sharedHTTP.execute(req, timeout: .seconds(600))
        } catch {
            throw WharfError.internalError("Get \"\(url)\": \(RegistryClient.describe(error))")
        }
        guard resp.status == .ok else {
            throw WharfError.notFound("Get \"\(url)\": \(resp.status.code) \(resp.status.reasonPhrase)")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", path, errno)) }
        do {
            for try await chunk in resp.body {
                try chunk.withUnsafeReadableBytes { try FS.writeAll(fd, $0, path: path) }
            }
            close(fd)
        } catch {
            close(fd)
            throw error
        }
        return try await importImage(bodyPath: path, options: options)
    }
}

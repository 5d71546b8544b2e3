/// Resolves `path` inside `root` as if `root` were `/`: `..` stops at the root and symlinks
/// are followed with absolute targets re-rooted, so the result is always inside `root`.
/// For `docker cp`, which must never follow a link out of the container.
public func resolvePathInRoot(_ root: String, _ path: String, followLast: Bool) throws -> String {
    let components = PathScope.clean(path.hasPrefix("/") ? path : "/" + path) ?? []
    return try PathScope(root: root).resolve(components, followLast: followLast)
}

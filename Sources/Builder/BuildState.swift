import Dockerfile
import OCI

/// Where a stage is after each step: the image made so far (every step makes one, as
/// Docker's classic builder does), its config and layer blobs, and the ARGs in scope.
struct BuildState: Sendable {
    /// The image of the last step; nil only before the first step on `scratch`.
    var imageID: Digest?
    var config: ImageConfig
    var blobs: [Descriptor]
    /// ARG values in this stage's scope (declared ARGs with their defaults or --build-arg).
    var args: [String: String] = [:]
    /// CMD was set by this stage (an ENTRYPOINT then keeps it; an inherited one is dropped).
    var cmdSetInStage = false

    var runConfig: OCI.ContainerConfig {
        get { config.config ?? OCI.ContainerConfig() }
        set { config.config = newValue }
    }

    var shell: [String] { runConfig.shell ?? ["/bin/sh", "-c"] }
    var env: [String] { runConfig.env ?? [] }

    /// The image's Env as a map, then the ARGs not shadowed by it, for `$VAR` substitution.
    var substitution: [String: String] {
        var m = args
        for e in env {
            let kv = e.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            m[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
        }
        return m
    }

    /// A fresh state on `scratch`.
    static func scratch() -> BuildState {
        let p = Platform.current
        var cfg = ImageConfig(architecture: p.architecture, os: p.os, variant: p.variant)
        cfg.config = OCI.ContainerConfig()
        cfg.config?.env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
        return BuildState(imageID: nil, config: cfg, blobs: [])
    }
}

import Glibc

/// wharf-shim's command line, as ShimLaunchOptions.arguments writes it:
/// `--id ID --bundle DIR --runtime PATH --runtime-root DIR --log FILE --socket PATH [--tty] [--stdin]
/// [--log-max-size BYTES] [--log-max-file N]`.
/// The listening socket itself arrives as fd 3.
struct ShimArguments {
    var id = ""
    var bundle = ""
    var runtime = "runc"
    var runtimeRoot = ""
    var logPath = ""
    var socketPath = ""
    var tty = false
    var openStdin = false
    /// json-file rotation: nil (or ≤ 0) never rotates; `logMaxFile` defaults to 1.
    var logMaxSize: Int64?
    var logMaxFile: Int?

    static func parse(_ args: [String]) -> ShimArguments? {
        var a = ShimArguments()
        var i = 1
        func value() -> String? {
            i += 1
            return i < args.count ? args[i] : nil
        }
        while i < args.count {
            switch args[i] {
            case "--id": guard let v = value() else { return nil }; a.id = v
            case "--bundle": guard let v = value() else { return nil }; a.bundle = v
            case "--runtime": guard let v = value() else { return nil }; a.runtime = v
            case "--runtime-root": guard let v = value() else { return nil }; a.runtimeRoot = v
            case "--log": guard let v = value() else { return nil }; a.logPath = v
            case "--socket": guard let v = value() else { return nil }; a.socketPath = v
            case "--tty": a.tty = true
            case "--stdin": a.openStdin = true
            case "--log-max-size": guard let v = value().flatMap({ Int64($0) }) else { return nil }; a.logMaxSize = v
            case "--log-max-file": guard let v = value().flatMap({ Int($0) }), v >= 1 else { return nil }; a.logMaxFile = v
            default: return nil
            }
            i += 1
        }
        if a.id.isEmpty || a.bundle.isEmpty || a.runtimeRoot.isEmpty { return nil }
        return a
    }
}

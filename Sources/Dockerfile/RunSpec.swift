/// A RUN instruction.
public struct RunSpec: Sendable, Equatable {
    public var form: Form
    /// `--mount=` flags in order.
    public var mounts: [RunMount]
    /// `--network=`: default, none or host; nil when absent.
    public var network: String?
    /// `--security=`: sandbox or insecure; nil when absent.
    public var security: String?
    /// `--device=` values as written (may repeat).
    public var devices: [String]
    /// Here-documents named on the line. With heredocs the form is always `.shell`, and
    /// Docker runs them like this: when the whole command is one heredoc word
    /// (`RUN <<EOF`), the body itself is the script (or, starting with `#!`, a file that
    /// is executed); otherwise the shell gets the line followed, for each heredoc, by
    /// "\n" + content + name, so that it sees the here-documents itself.
    public var heredocs: [Heredoc]

    public init(form: Form, mounts: [RunMount] = [], network: String? = nil, heredocs: [Heredoc] = [],
                security: String? = nil, devices: [String] = []) {
        self.form = form
        self.mounts = mounts
        self.network = network
        self.heredocs = heredocs
        self.security = security
        self.devices = devices
    }
}

/// One `RUN --mount=…`.
public struct RunMount: Sendable, Equatable {
    /// bind (the default), cache, tmpfs, secret or ssh; lowercased.
    public var type: String
    /// The other fields, keys lowercased and spelled canonically (src → source,
    /// dst/destination → target, ro → readonly, rw → readwrite); values as written
    /// (they may hold variables, expanded when the step runs). A field given without a
    /// value (`ro`, `required`) is recorded as "true".
    public var options: [String: String]

    public init(type: String, options: [String: String] = [:]) {
        self.type = type
        self.options = options
    }
}

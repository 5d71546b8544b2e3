/// A HEALTHCHECK instruction. The durations are kept as written; they were checked to
/// be Go durations (use `GoDuration.nanoseconds` to read them), "0s" meaning "inherit".
public struct HealthSpec: Sendable, Equatable {
    /// The probe; nil for `HEALTHCHECK NONE`. Docker stores `.shell(c)` as
    /// ["CMD-SHELL", c] and `.exec(a)` as ["CMD"] + a.
    public var test: Form?
    public var none: Bool
    public var interval: String?
    public var timeout: String?
    public var startPeriod: String?
    public var startInterval: String?
    public var retries: Int?

    public init(test: Form?, none: Bool = false, interval: String? = nil, timeout: String? = nil,
                startPeriod: String? = nil, startInterval: String? = nil, retries: Int? = nil) {
        self.test = test
        self.none = none
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.retries = retries
    }
}

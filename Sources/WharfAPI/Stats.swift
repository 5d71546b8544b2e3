/// `GET /containers/{id}/stats`, in Docker's snake_case shape.
public struct ContainerStats: Codable, Sendable {
    public struct CPUUsage: Codable, Sendable {
        public var total_usage: UInt64 = 0
        public var percpu_usage: [UInt64]?
        public var usage_in_kernelmode: UInt64 = 0
        public var usage_in_usermode: UInt64 = 0
        public init() {}
    }
    public struct Throttling: Codable, Sendable {
        public var periods: UInt64 = 0
        public var throttled_periods: UInt64 = 0
        public var throttled_time: UInt64 = 0
        public init() {}
    }
    public struct CPUStats: Codable, Sendable {
        public var cpu_usage = CPUUsage()
        public var system_cpu_usage: UInt64?
        public var online_cpus: UInt32?
        public var throttling_data = Throttling()
        public init() {}
    }
    public struct MemoryStats: Codable, Sendable {
        public var usage: UInt64?
        public var max_usage: UInt64?
        public var stats: [String: UInt64]?
        public var failcnt: UInt64?
        public var limit: UInt64?
        public init() {}
    }
    public struct PidsStats: Codable, Sendable {
        public var current: UInt64?
        public var limit: UInt64?
        public init() {}
    }
    public struct BlkioEntry: Codable, Sendable {
        public var major: UInt64
        public var minor: UInt64
        public var op: String
        public var value: UInt64
        public init(major: UInt64, minor: UInt64, op: String, value: UInt64) {
            self.major = major
            self.minor = minor
            self.op = op
            self.value = value
        }
    }
    public struct BlkioStats: Codable, Sendable {
        public var io_service_bytes_recursive: [BlkioEntry]?
        public var io_serviced_recursive: [BlkioEntry]?
        public var io_queue_recursive: [BlkioEntry]?
        public var io_service_time_recursive: [BlkioEntry]?
        public var io_wait_time_recursive: [BlkioEntry]?
        public var io_merged_recursive: [BlkioEntry]?
        public var io_time_recursive: [BlkioEntry]?
        public var sectors_recursive: [BlkioEntry]?
        public init() {}

        enum CodingKeys: String, CodingKey {
            case io_service_bytes_recursive, io_serviced_recursive, io_queue_recursive, io_service_time_recursive
            case io_wait_time_recursive, io_merged_recursive, io_time_recursive, sectors_recursive
        }

        // Docker writes every list, null when empty.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(io_service_bytes_recursive, forKey: .io_service_bytes_recursive)
            try c.encode(io_serviced_recursive, forKey: .io_serviced_recursive)
            try c.encode(io_queue_recursive, forKey: .io_queue_recursive)
            try c.encode(io_service_time_recursive, forKey: .io_service_time_recursive)
            try c.encode(io_wait_time_recursive, forKey: .io_wait_time_recursive)
            try c.encode(io_merged_recursive, forKey: .io_merged_recursive)
            try c.encode(io_time_recursive, forKey: .io_time_recursive)
            try c.encode(sectors_recursive, forKey: .sectors_recursive)
        }
    }
    public struct NetworkStats: Codable, Sendable {
        public var rx_bytes: UInt64 = 0
        public var rx_packets: UInt64 = 0
        public var rx_errors: UInt64 = 0
        public var rx_dropped: UInt64 = 0
        public var tx_bytes: UInt64 = 0
        public var tx_packets: UInt64 = 0
        public var tx_errors: UInt64 = 0
        public var tx_dropped: UInt64 = 0
        public init() {}
    }
    public struct StorageStats: Codable, Sendable { public init() {} }

    public var name: String
    public var id: String
    public var read: String
    public var preread: String
    public var pids_stats = PidsStats()
    public var blkio_stats = BlkioStats()
    public var num_procs: UInt32 = 0
    public var storage_stats = StorageStats()
    public var cpu_stats = CPUStats()
    public var precpu_stats = CPUStats()
    public var memory_stats = MemoryStats()
    public var networks: [String: NetworkStats]?

    public init(name: String, id: String, read: String, preread: String) {
        self.name = name
        self.id = id
        self.read = read
        self.preread = preread
    }
}

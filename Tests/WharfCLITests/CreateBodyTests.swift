import ArgumentParser
import Testing
@testable import WharfCLI
import WharfClient

/// Create bodies compared byte for byte with what docker 28.2.2 sent for the same flags.
@Suite struct CreateBodyTests {
    static let hostConfigTail = #""CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],"BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":0,"Ulimits":[],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"MaskedPaths":null,"ReadonlyPaths":null},"NetworkingConfig":{"EndpointsConfig":{"default":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"","DriverOpts":null,"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}}}"#

    /// Flags, then IMAGE and the command (what the commands' passthrough argument holds).
    func spec(_ flags: [String], _ rest: [String], isRun: Bool, detach: Bool = false) throws -> ContainerSpec {
        try ContainerFlags.parse(flags).spec(image: rest[0], command: Array(rest.dropFirst()), isRun: isRun, detach: detach)
    }

    @Test func createWithManyFlagsMatchesDocker() throws {
        let s = try spec(["--name", "X", "-e", "FOO=bar", "-l", "cap=1", "-w", "/tmp", "-u", "0", "-h", "caphost",
                          "--entrypoint", "sh"], ["busybox", "-c", "echo x"], isRun: false)
        let expected = #"{"Hostname":"caphost","Domainname":"","User":"0","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":["FOO=bar"],"Cmd":["-c","echo x"],"Image":"busybox","Volumes":{},"WorkingDir":"/tmp","Entrypoint":["sh"],"OnBuild":null,"Labels":{"cap":"1"},"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":false,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":null,"CapDrop":null,"# + Self.hostConfigTail
        #expect(CreateBody.json(s).compact == expected)
        #expect(s.name == "X")
    }

    @Test func runRemoveMatchesDocker() throws {
        var s = try spec([], ["busybox", "echo", "hi"], isRun: true)
        s.autoRemove = true
        let expected = #"{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":["echo","hi"],"Image":"busybox","Volumes":{},"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":true,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":null,"CapDrop":null,"# + Self.hostConfigTail
        let line = CreateBody.json(s).line
        #expect(String(decoding: line, as: UTF8.self) == expected + "\n")
        #expect(line.count == 1736)
    }

    @Test func attachFlagsFollowDocker() throws {
        let runI = try spec(["-i"], ["busybox"], isRun: true)
        #expect(runI.attachStdin && runI.openStdin && runI.stdinOnce)
        let createI = try spec(["-i"], ["busybox"], isRun: false)
        #expect(createI.attachStdin && createI.openStdin && !createI.stdinOnce)
        let detached = try spec(["-i", "-t"], ["busybox"], isRun: true, detach: true)
        #expect(!detached.attachStdin && !detached.attachStdout && !detached.attachStderr && detached.openStdin && detached.tty && !detached.stdinOnce)
        let onlyOut = try spec(["-a", "stdout"], ["busybox"], isRun: true)
        #expect(!onlyOut.attachStdin && onlyOut.attachStdout && !onlyOut.attachStderr)
    }

    @Test func portsVolumesRestart() throws {
        let s = try spec(["-p", "127.0.0.1:8080:80", "-p", "9090", "-v", "vol:/data", "-v", "/anon", "--restart", "on-failure:2",
                          "--tmpfs", "/scratch:size=1m"], ["busybox"], isRun: false)
        let j = CreateBody.json(s)
        #expect(j["ExposedPorts"]?.compact == #"{"80/tcp":{},"9090/tcp":{}}"#)
        #expect(j["HostConfig"]?["PortBindings"]?.compact == #"{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}],"9090/tcp":[{"HostIp":"","HostPort":""}]}"#)
        #expect(j["HostConfig"]?["Binds"]?.compact == #"["vol:/data"]"#)
        #expect(j["Volumes"]?.compact == #"{"/anon":{}}"#)
        #expect(j["HostConfig"]?["Tmpfs"]?.compact == #"{"/scratch":"size=1m"}"#)
        #expect(j["HostConfig"]?["RestartPolicy"]?.compact == #"{"Name":"on-failure","MaximumRetryCount":2}"#)
    }

    @Test func networksAndStopOptions() throws {
        let none = try spec(["--network", "none"], ["busybox"], isRun: false)
        #expect(CreateBody.json(none)["NetworkingConfig"]?.compact == #"{"EndpointsConfig":{}}"#)
        #expect(CreateBody.json(none)["HostConfig"]?["NetworkMode"]?.string == "none")
        let aliased = try spec(["--network", "mynet", "--network-alias", "a"], ["busybox"], isRun: false)
        #expect(CreateBody.json(aliased)["NetworkingConfig"]?["EndpointsConfig"]?["mynet"]?["Aliases"]?.compact == #"["a"]"#)
        #expect(throws: CLIError.self) { try spec(["--network-alias", "a"], ["busybox"], isRun: false) }
        let stop = try spec(["--stop-signal", "SIGINT", "--stop-timeout", "5"], ["busybox"], isRun: false)
        let c = CreateBody.json(stop).compact
        #expect(c.contains(#""Labels":{},"StopSignal":"SIGINT","StopTimeout":5,"HostConfig""#))
    }

    @Test func resourcesAndCapabilities() throws {
        let s = try spec(["-m", "64m", "--cpus", "0.5", "--cap-add", "net_admin", "--cap-add", "ALL", "--init"], ["busybox"], isRun: false)
        let h = CreateBody.json(s)["HostConfig"]!
        #expect(h["Memory"]?.int == 67_108_864)
        #expect(h["NanoCpus"]?.int == 500_000_000)
        #expect(h["CapAdd"]?.compact == #"["CAP_NET_ADMIN","ALL"]"#)
        #expect(h["Init"]?.bool == true)
    }
}

import Testing
@testable import WharfCLI
import WharfClient

@Suite struct ParsingTests {
    @Test func envFile() throws {
        let env = ["FROM_ENV": "v"]
        let content = "\u{FEFF}# comment\nA=1\n\n  B=two words \nFROM_ENV\nUNSET\nC=\nD=x=y\r\n"
        #expect(try EnvParsing.parseEnvFile(content, lookup: { env[$0] }) == ["A=1", "B=two words ", "FROM_ENV=v", "C=", "D=x=y"])
        #expect(throws: CLIError.self) { try EnvParsing.parseEnvFile("BAD NAME=1", lookup: { _ in nil }) }
        #expect(throws: CLIError.self) { try EnvParsing.parseEnvFile("=x", lookup: { _ in nil }) }
    }

    @Test func envFlag() throws {
        #expect(try EnvParsing.validateEnv("A=1", lookup: { _ in nil }) == "A=1")
        #expect(try EnvParsing.validateEnv("HOME", lookup: { $0 == "HOME" ? "/root" : nil }) == "HOME=/root")
        #expect(try EnvParsing.validateEnv("NOPE", lookup: { _ in nil }) == "NOPE")
    }

    @Test func goDurations() {
        #expect(TimeParsing.goDuration("2m") == 120)
        #expect(TimeParsing.goDuration("1h30m") == 5400)
        #expect(TimeParsing.goDuration("1.5s") == 1.5)
        #expect(TimeParsing.goDuration("300ms") == 0.3)
        #expect(TimeParsing.goDuration("10") == nil)
        #expect(TimeParsing.goDuration("abc") == nil)
    }

    @Test func sinceAndUntil() throws {
        let now = 1_800_000_000.25
        #expect(try TimeParsing.timestamp("2m", now: now) == "1799999880")
        #expect(try TimeParsing.timestamp("1s", now: now) == "1799999999")
        #expect(try TimeParsing.timestamp("1700000000", now: now) == "1700000000")
        #expect(try TimeParsing.timestamp("1700000000.5", now: now) == "1700000000.5")
        #expect(try TimeParsing.timestamp("2026-11-29T16:53:05.5Z", now: now) == "1795971185.500000000")
        #expect(try TimeParsing.timestamp("2026-11-29", now: now) == "1795910400.000000000")
        #expect(throws: CLIError.self) { try TimeParsing.timestamp("yesterday", now: now) }
    }

    @Test func references() {
        #expect(ImageReference("busybox").repository == "docker.io/library/busybox")
        #expect(ImageReference("busybox").familiarWithDefaultTag == "busybox:latest")
        #expect(ImageReference("user/app:1").repository == "docker.io/user/app")
        #expect(ImageReference("user/app:1").tag == "1")
        #expect(ImageReference("localhost:5000/x").repository == "localhost:5000/x")
        #expect(ImageReference("localhost:5000/x").familiarWithDefaultTag == "localhost:5000/x:latest")
        #expect(ImageReference("127.0.0.1:5999/cap/busybox:v").tag == "v")
    }

    @Test func portsAndSizes() throws {
        #expect(try ContainerFlags.parsePort("127.0.0.1:8080:80").map { "\($0.0)|\($0.1)|\($0.2)" } == ["80/tcp|127.0.0.1|8080"])
        #expect(try ContainerFlags.parsePort("53:53/udp").map { "\($0.0)|\($0.1)|\($0.2)" } == ["53/udp||53"])
        #expect(try ContainerFlags.parsePort("8000-8001:80-81").map(\.0) == ["80/tcp", "81/tcp"])
        #expect(try ContainerFlags.ramInBytes("64m") == 67_108_864)
        #expect(try ContainerFlags.ramInBytes("1k") == 1024)
        #expect(try ContainerFlags.ramInBytes("1.5g") == 1_610_612_736)
    }

    @Test func devices() throws {
        #expect(try ContainerFlags.parseDevice("/dev/fuse") == .init(host: "/dev/fuse", container: "/dev/fuse", permissions: "rwm"))
        #expect(try ContainerFlags.parseDevice("/dev/fuse:r") == .init(host: "/dev/fuse", container: "/dev/fuse", permissions: "r"))
        #expect(try ContainerFlags.parseDevice("/dev/fuse:/dev/f") == .init(host: "/dev/fuse", container: "/dev/f", permissions: "rwm"))
        #expect(try ContainerFlags.parseDevice("/dev/fuse:/dev/f:mw") == .init(host: "/dev/fuse", container: "/dev/f", permissions: "mw"))
        #expect(throws: CLIError.self) { try ContainerFlags.parseDevice("/dev/fuse:/dev/f:x") }
        #expect(throws: CLIError.self) { try ContainerFlags.parseDevice("/dev/fuse:rel") }
        #expect(throws: CLIError.self) { try ContainerFlags.parseDevice("a:b:c:d") }
    }

    @Test func managementCommands() {
        #expect(ManagementAliases.rewrite(["container", "ls", "-a"]) == ["ps", "-a"])
        #expect(ManagementAliases.rewrite(["image", "rm", "x"]) == ["rmi", "x"])
        #expect(ManagementAliases.rewrite(["container", "inspect", "c"]) == ["inspect", "--type", "container", "c"])
        #expect(ManagementAliases.rewrite(["volume", "ls"]) == ["volume", "ls"])
        #expect(ManagementAliases.rewrite(["ps"]) == ["ps"])
    }

    @Test func detachKeys() throws {
        #expect(try DetachKeys.parse(nil) == [16, 17])
        #expect(try DetachKeys.parse("ctrl-a,x") == [1, 120])
        #expect(throws: CLIError.self) { try DetachKeys.parse("ctrl-1") }
    }
}

@Suite struct HelpTests {
    @Test func helpForRootAndCommands() throws {
        #expect(WharfMain.helpText(for: [])?.contains("SUBCOMMANDS:") == true)
        #expect(WharfMain.helpText(for: ["help"])?.contains("SUBCOMMANDS:") == true)
        #expect(WharfMain.helpText(for: ["run", "--help"])?.contains("USAGE: wharf run") == true)
        #expect(WharfMain.helpText(for: ["help", "ps"])?.contains("USAGE: wharf ps") == true)
        // After the image, --help belongs to the container's command.
        #expect(WharfMain.helpText(for: ["run", "busybox", "ls", "--help"]) == nil)
        #expect(WharfMain.helpText(for: ["ps", "-a"]) == nil)
    }
}

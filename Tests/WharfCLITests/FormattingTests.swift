import Testing
@testable import WharfCLI
import WharfClient

@Suite struct FormattingTests {
    @Test func humanSizesLikeGoUnits() {
        #expect(HumanUnits.size(1_984_172, precision: 3) == "1.98MB")
        #expect(HumanUnits.size(4_261_550, precision: 3) == "4.26MB")
        #expect(HumanUnits.size(0, precision: 3) == "0B")
        #expect(HumanUnits.size(1000, precision: 3) == "1kB")
        #expect(HumanUnits.size(999_999, precision: 3) == "1e+03kB")
        #expect(HumanUnits.size(1_234_567_890, precision: 3) == "1.23GB")
        #expect(HumanUnits.size(Int64(1_234_567_890)) == "1.235GB")
        #expect(HumanUnits.size(Int64(999_999)) == "1000kB")
        #expect(HumanUnits.size(512, precision: 3) == "512B")
        #expect(HumanUnits.formatG(0.000012345, precision: 3) == "1.23e-05")
        #expect(HumanUnits.formatG(0.5, precision: 3) == "0.5")
        #expect(HumanUnits.binarySize(8_204_591_104) == "7.641GiB")
    }

    @Test func humanDurations() {
        #expect(HumanUnits.duration(seconds: 0.5) == "Less than a second")
        #expect(HumanUnits.duration(seconds: 1) == "1 second")
        #expect(HumanUnits.duration(seconds: 5) == "5 seconds")
        #expect(HumanUnits.duration(seconds: 75) == "About a minute")
        #expect(HumanUnits.duration(seconds: 600) == "10 minutes")
        #expect(HumanUnits.duration(seconds: 3600) == "About an hour")
        #expect(HumanUnits.duration(seconds: 7200) == "2 hours")
        #expect(HumanUnits.duration(seconds: 3 * 86400) == "3 days")
        #expect(HumanUnits.duration(seconds: 20 * 86400) == "2 weeks")
        #expect(HumanUnits.duration(seconds: 400 * 86400) == "13 months")
        #expect(HumanUnits.duration(seconds: 800 * 86400) == "2 years")
        #expect(HumanUnits.ago(100, now: 105) == "5 seconds ago")
    }

    @Test func commandEllipsisAndQuote() {
        #expect(ListFormat.ellipsis("sh -c 'echo a very long command line here'", 20) == "sh -c 'echo a very …")
        #expect(ListFormat.goQuote("sleep 1000") == "\"sleep 1000\"")
        #expect(ListFormat.goQuote("a \"b\"\n") == "\"a \\\"b\\\"\\n\"")
        #expect(ListFormat.truncateID("sha256:" + String(repeating: "b", count: 64)) == "bbbbbbbbbbbb")
    }

    @Test func portsLikeDocker() throws {
        let ports = try JSON(parsing: #"[{"IP":"127.0.0.1","PrivatePort":80,"PublicPort":8080,"Type":"tcp"},{"PrivatePort":9090,"Type":"tcp"},{"PrivatePort":9091,"Type":"tcp"},{"IP":"0.0.0.0","PrivatePort":53,"PublicPort":53,"Type":"udp"}]"#)
        #expect(ContainerRow.ports(ports.array!) == "0.0.0.0:53->53/udp, 9090-9091/tcp, 127.0.0.1:8080->80/tcp")
    }

    static func psFixture(now: Int) throws -> JSON {
        try JSON(parsing: """
        [{"Id":"4c9d1e0a\(String(repeating: "1", count: 56))","Names":["/web"],"Image":"busybox","ImageID":"sha256:bb","Command":"sleep 1000","Created":\(now - 75),"Ports":[],"Labels":{"cap":"1","a":"b"},"State":"running","Status":"Up About a minute","NetworkSettings":{"Networks":{"bridge":{}}},"Mounts":[]},
         {"Id":"\(String(repeating: "9", count: 64))","Names":["/old_one"],"Image":"sha256:\(String(repeating: "c", count: 64))","ImageID":"sha256:\(String(repeating: "c", count: 64))","Command":"sh -c 'echo a very long command line here'","Created":\(now - 7200),"Ports":[],"Labels":{},"State":"exited","Status":"Exited (0) 2 hours ago","Mounts":[]}]
        """)
    }

    @Test func psDefaultTable() throws {
        let now = 1_800_000_000
        let rows = try Self.psFixture(now: now).array!.map { ContainerRow.make($0, truncate: true, now: Double(now)) }
        let out = try ListFormat.render(format: ContainerRow.defaultTable, rows: rows, headers: ContainerRow.headers)
        let expected = """
        CONTAINER ID   IMAGE          COMMAND                  CREATED              STATUS                   PORTS     NAMES
        4c9d1e0a1111   busybox        "sleep 1000"             About a minute ago   Up About a minute                  web
        999999999999   cccccccccccc   "sh -c 'echo a very …"   2 hours ago          Exited (0) 2 hours ago             old_one

        """
        #expect(out == expected)
    }

    @Test func psCustomFormats() throws {
        let now = 1_800_000_000
        let rows = try Self.psFixture(now: now).array!.map { ContainerRow.make($0, truncate: true, now: Double(now)) }
        #expect(try ListFormat.render(format: "{{.Names}} {{.Labels}} {{.State}}", rows: rows, headers: ContainerRow.headers)
                == "web a=b,cap=1 running\nold_one  exited\n")
        #expect(try ListFormat.render(format: "table {{.ID}}\\t{{.Names}}", rows: rows, headers: ContainerRow.headers)
                == "CONTAINER ID   NAMES\n4c9d1e0a1111   web\n999999999999   old_one\n")
        let json = try ListFormat.render(format: "{{json .}}", rows: [rows[0]], headers: ContainerRow.headers)
        #expect(json.hasPrefix(#"{"Command":"\"sleep 1000\"","CreatedAt":"#))
        #expect(json.contains(#""Names":"web","Networks":"bridge","Platform":null,"Ports":"","RunningFor":"About a minute ago","Size":"0B","State":"running","Status":"Up About a minute"}"#))
    }

    @Test func imagesTable() throws {
        let now = 1_800_000_000
        let images = try JSON(parsing: """
        [{"Containers":-1,"Created":\(now - 3 * 86400),"Id":"sha256:\(String(repeating: "b", count: 64))","RepoDigests":["busybox@sha256:dd"],"RepoTags":["busybox:latest","busybox:1.36"],"SharedSize":-1,"Size":4261550},
         {"Containers":-1,"Created":\(now - 30),"Id":"sha256:\(String(repeating: "e", count: 64))","RepoDigests":[],"RepoTags":[],"SharedSize":-1,"Size":1984172},
         {"Containers":2,"Created":\(now - 400 * 86400),"Id":"sha256:\(String(repeating: "a", count: 64))","RepoDigests":null,"RepoTags":["localhost:5000/my/app:v1"],"SharedSize":0,"Size":1234567890}]
        """)
        var rows: [JSON] = []
        for i in images.array! { rows += ImageRow.make(i, truncate: true, digests: false, now: Double(now)) }
        let out = try ListFormat.render(format: ImageRow.defaultTable(digests: false), rows: rows, headers: ImageRow.headers)
        let expected = """
        REPOSITORY              TAG       IMAGE ID       CREATED          SIZE
        busybox                 latest    bbbbbbbbbbbb   3 days ago       4.26MB
        busybox                 1.36      bbbbbbbbbbbb   3 days ago       4.26MB
        <none>                  <none>    eeeeeeeeeeee   30 seconds ago   1.98MB
        localhost:5000/my/app   v1        aaaaaaaaaaaa   13 months ago    1.23GB

        """
        #expect(out == expected)
        let digestRows = ImageRow.make(images[0]!, truncate: true, digests: true, now: Double(now))
        #expect(digestRows.map { $0["Digest"]?.string } == ["sha256:dd", "sha256:dd"])
    }

    @Test func filtersEncodeLikeDocker() throws {
        #expect(try FilterFlags.encode(["status=running", "name=cap-"]) == #"{"name":{"cap-":true},"status":{"running":true}}"#)
        #expect(try FilterFlags.encode(["label=cap=1", "exited=0", "label=a/b"]) == #"{"exited":{"0":true},"label":{"a/b":true,"cap=1":true}}"#)
        #expect(try FilterFlags.encode([]) == nil)
        #expect(throws: CLIError.self) { try FilterFlags.encode(["nonsense"]) }
    }

    @Test func tabWriterPadsLikeGo() {
        var tw = TabWriter()
        tw.add("A\tBB\tC\n")
        tw.add("longer cell here\tx\ty\n")
        #expect(tw.render() == "A                  BB        C\nlonger cell here   x         y\n")
    }
}

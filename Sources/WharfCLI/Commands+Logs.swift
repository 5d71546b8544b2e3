import ArgumentParser
import WharfAPI
import WharfClient

struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fetch the logs of a container")

    @Flag(name: .shortAndLong, help: "Follow log output") var follow = false
    @Flag(name: .shortAndLong, help: "Show timestamps") var timestamps = false
    @Flag(help: "Show extra details provided to logs") var details = false
    @Option(name: [.customShort("n"), .long], help: "Number of lines to show from the end of the logs") var tail: String = "all"
    @Option(help: "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)") var since: String?
    @Option(help: "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)") var until: String?
    @Argument(help: "CONTAINER") var container: String

    func run() throws {
        let client = try CLIContext.client()
        let c = try client.json("GET", "/containers/\(Query.escapePath(container))/json")
        let id = c["Id"]?.string ?? container
        let tty = c["Config"]?["Tty"]?.bool ?? false
        var q = Query()
        q.flag("details", details)
        q.flag("follow", follow)
        if let s = since { q.add("since", try TimeParsing.timestamp(s)) }
        q.add("stderr", "1")
        q.add("stdout", "1")
        q.add("tail", tail)
        q.flag("timestamps", timestamps)
        if let u = until { q.add("until", try TimeParsing.timestamp(u)) }
        let resp = try client.send("GET", "/containers/\(id)/logs", query: q)
        var demux = StreamDemuxer()
        while let piece = try resp.read() {
            if tty {
                Output.write(1, piece)
            } else {
                for (which, payload) in demux.feed(piece) {
                    Output.write(which == .stderr ? 2 : 1, payload)
                }
            }
        }
    }
}

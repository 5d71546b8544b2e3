import ArgumentParser
import WharfClient

struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Upload an image to a registry")
    @Flag(name: [.customShort("a"), .customLong("all-tags")], help: "Push all tags of an image to the repository") var allTags = false
    @Flag(name: .shortAndLong, help: "Suppress verbose output") var quiet = false
    @Argument(help: "NAME[:TAG]") var name: String

    func run() throws {
        let ref = ImageReference(name)
        if allTags && ref.tag != nil { throw CLIError.message("tag can't be used with --all-tags/-a") }
        if ref.tag == nil && !quiet && !allTags { Output.line("Using default tag: latest") }
        let client = try CLIContext.client()
        var q = Query()
        q.add("tag", allTags ? "" : (ref.tag ?? "latest"))
        let resp = try client.send("POST", "/images/\(Query.escapePath(ref.repository))/push", query: q,
                                   headers: [("X-Registry-Auth", RegistryAuthHeader.forImage(ref.repository))])
        try JSONProgress.print(resp, silent: quiet)
        if quiet { Output.line("\(ref.repository):\(ref.tag ?? "latest")") }
    }
}

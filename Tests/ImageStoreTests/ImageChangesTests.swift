import OCI
import Testing
import WharfCore
@testable import ImageStore

@Suite struct ImageChangesTests {
    func apply(_ changes: [String]) throws -> ContainerConfig {
        var c = ContainerConfig()
        try ImageChanges.apply(changes, to: &c)
        return c
    }

    @Test func commandForms() throws {
        #expect(try apply(["CMD [\"a\", \"b c\"]"]).cmd == ["a", "b c"])
        #expect(try apply(["cmd echo $HOME"]).cmd == ["/bin/sh", "-c", "echo $HOME"])
        #expect(try apply(["ENTRYPOINT [\"/e\"]", "CMD [\"x\"]"]).entrypoint == ["/e"])
        // Not valid JSON: the shell form, as Docker does.
        #expect(try apply(["CMD [oops"]).cmd == ["/bin/sh", "-c", "[oops"])
    }

    @Test func envAndLabels() throws {
        let c = try apply(["ENV A=1", "ENV B=\"x y\" C='$A' D=$A E=${A:-d} F=${Z:-d} G=${A:+set}", "ENV A=2",
                           "LABEL \"com.x\"=\"v 1\" plain=ok", "LABEL legacy value with spaces"])
        #expect(c.env == ["B=x y", "C=$A", "D=1", "E=1", "F=d", "G=set", "A=2"])
        #expect(c.labels == ["com.x": "v 1", "plain": "ok", "legacy": "value with spaces"])
        #expect(throws: WharfError.self) { _ = try apply(["ENV"]) }
        #expect(throws: WharfError.self) { _ = try apply(["ENV A=1 B"]) }
    }

    @Test func portsVolumesWorkdirAndMore() throws {
        let c = try apply(["EXPOSE 80 443/tcp 53/UDP 8000-8002", "VOLUME [\"/a\", \"/b\"]", "VOLUME /c /d",
                           "WORKDIR /srv", "WORKDIR ./app/../web", "ENV U=me", "USER $U", "STOPSIGNAL 9",
                           "ONBUILD RUN make", "HEALTHCHECK --interval=1m30s --retries=3 CMD curl -f http://x/ || exit 1"])
        #expect(Set(c.exposedPorts!.keys) == ["80/tcp", "443/tcp", "53/udp", "8000/tcp", "8001/tcp", "8002/tcp"])
        #expect(Set(c.volumes!.keys) == ["/a", "/b", "/c", "/d"])
        #expect(c.workingDir == "/srv/web")
        #expect(c.user == "me")
        #expect(c.stopSignal == "9")
        #expect(c.onBuild == ["RUN make"])
        #expect(c.healthcheck?.test == ["CMD-SHELL", "curl -f http://x/ || exit 1"])
        #expect(c.healthcheck?.interval == 90_000_000_000)
        #expect(c.healthcheck?.retries == 3)
        #expect(try apply(["HEALTHCHECK NONE"]).healthcheck?.test == ["NONE"])
        #expect(try apply(["HEALTHCHECK CMD [\"/ok\"]"]).healthcheck?.test == ["CMD", "/ok"])
        #expect(throws: WharfError.self) { _ = try apply(["EXPOSE abc"]) }
        #expect(throws: WharfError.self) { _ = try apply(["ONBUILD ONBUILD RUN x"]) }
    }

    @Test func multiLineChangesAndErrors() throws {
        let c = try apply(["# comment\nENV A=1 \\\n  B=2\n\nCMD x"])
        #expect(c.env == ["A=1", "B=2"])
        #expect(c.cmd == ["/bin/sh", "-c", "x"])
        do {
            _ = try apply(["CMD ok", "COPY a b"])
            Issue.record("accepted COPY")
        } catch let e as WharfError {
            #expect(e.code == .invalidArgument)
            #expect(e.message == "copy is not a valid change command")
        }
    }
}

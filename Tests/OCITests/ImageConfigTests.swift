import FoundationEssentials
import Testing
@testable import OCI

@Suite struct ImageConfigTests {
    /// A trimmed config of a real Docker Hub image, with Docker-only and null fields.
    static let busybox = """
    {"architecture":"amd64","config":{"Hostname":"","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],\
    "Cmd":["sh"],"Image":"sha256:abc","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null,\
    "ExposedPorts":{"80/tcp":{}}},"container":"c1","created":"2023-07-18T23:19:33.655005962Z","docker_version":"20.10.23",\
    "history":[{"created":"2023-07-18T23:19:33.538571854Z","created_by":"/bin/sh -c #(nop) ADD file:7e9002edaa in / "},\
    {"created":"2023-07-18T23:19:33.655005962Z","created_by":"/bin/sh -c #(nop)  CMD [\\"sh\\"]","empty_layer":true}],\
    "os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:3d24ee258efc3bfe4066a1a9fb83febf6dc0b1548dfe896161533668281c9f4f"]}}
    """

    @Test func decodesRealConfig() throws {
        let c = try JSONDecoder().decode(ImageConfig.self, from: Data(Self.busybox.utf8))
        #expect(c.architecture == "amd64")
        #expect(c.config?.cmd == ["sh"])
        #expect(c.config?.volumes == nil)
        #expect(c.config?.exposedPorts?["80/tcp"] != nil)
        #expect(c.rootfs.diffIDs.count == 1)
        #expect(c.history?.count == 2)
        #expect(c.history?[1].emptyLayer == true)
        #expect(c.dockerVersion == "20.10.23")
        #expect(c.createdTime?.seconds == 1_689_722_373)
    }

    @Test func encodesWithoutNulls() throws {
        var cc = ContainerConfig()
        cc.cmd = ["sh"]
        cc.exposedPorts = ["80/tcp": EmptyObject()]
        let c = ImageConfig(architecture: "amd64", os: "linux", config: cc, rootfs: RootFS(diffIDs: []))
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let s = String(decoding: try enc.encode(c), as: UTF8.self)
        #expect(!s.contains("null"))
        #expect(s.contains("\"diff_ids\":[]"))
        #expect(s.contains("\"ExposedPorts\":{\"80/tcp\":{}}"))
        #expect(s.contains("\"Cmd\":[\"sh\"]"))
    }

    @Test func manifestAndIndex() throws {
        let json = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":\
        "application/vnd.oci.image.manifest.v1+json","digest":"sha256:\(String(repeating: "a", count: 64))","size":7,\
        "platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}
        """
        let idx = try JSONDecoder().decode(Index.self, from: Data(json.utf8))
        #expect(MediaTypes.isIndex(idx.mediaType))
        #expect(idx.manifests[0].platform?.architecture == "arm64")
        #expect(idx.manifests[0].platform?.variant == "v8")
        #expect(Platform.current.os == "linux")
        #expect(try Platform(parsing: "linux/x86_64").architecture == "amd64")
    }
}

import Dockerfile
import OCI
import WharfCore

extension BuildRun {
    /// Steps that change only the image config: each still makes an image (an empty layer
    /// in its history), as Docker's classic builder does.
    func metadata(_ command: Command, original: String, _ state: inout BuildState, expand: Bool) async throws {
        var s = state
        let env = s.substitution
        func x(_ w: String) throws -> String { expand ? try ShellWord.expand(w, env: env, escape: file.escape) : w }
        var rc = s.runConfig
        switch command {
        case .env(let kvs):
            var list = rc.env ?? []
            for kv in kvs {
                let key = try x(kv.key), value = try x(kv.value)
                list.removeAll { $0.split(separator: "=", maxSplits: 1).first.map(String.init) == key }
                list.append(key + "=" + value)
            }
            rc.env = list
        case .label(let kvs):
            var labels = rc.labels ?? [:]
            for kv in kvs { labels[try x(kv.key)] = try x(kv.value) }
            rc.labels = labels
        case .arg(let decls):
            for d in decls {
                if let v = options.buildArgs[d.name] ?? nil {
                    s.args[d.name] = v
                } else if let def = d.defaultValue {
                    s.args[d.name] = try ShellWord.expand(def, env: s.substitution, escape: file.escape)
                } else if let meta = metaArgs[d.name] {
                    s.args[d.name] = meta      // a global ARG re-declared in the stage
                }
            }
        case .cmd(let form):
            rc.cmd = argv(form, s)
            s.cmdSetInStage = true
        case .entrypoint(let form):
            rc.entrypoint = argv(form, s)
            // A CMD inherited from the base image does not survive a new ENTRYPOINT.
            if !s.cmdSetInStage { rc.cmd = nil }
        case .shell(let words):
            rc.shell = words
        case .expose(let ports):
            var map = rc.exposedPorts ?? [:]
            for p in ports {
                for w in try ShellWord.expandWords(p, env: env, escape: file.escape) {
                    map[w.contains("/") ? w : w + "/tcp"] = OCI.EmptyObject()
                }
            }
            rc.exposedPorts = map
        case .volume(let paths):
            var map = rc.volumes ?? [:]
            for p in paths { map[try x(p)] = OCI.EmptyObject() }
            rc.volumes = map
        case .user(let u):
            rc.user = try x(u)
        case .workdir(let w):
            let dir = try x(w)
            rc.workingDir = dir.hasPrefix("/") ? dir : (rc.workingDir ?? "/").joinedPath(dir)
        case .stopSignal(let sig):
            rc.stopSignal = try x(sig)
        case .healthcheck(let h):
            if h.none {
                rc.healthcheck = HealthcheckConfig(test: ["NONE"])
            } else {
                var hc = HealthcheckConfig()
                switch h.test {
                case .shell(let cmd)?: hc.test = ["CMD-SHELL", cmd]
                case .exec(let args)?: hc.test = ["CMD"] + args
                case nil: break
                }
                hc.interval = try h.interval.map(GoDuration.nanoseconds)
                hc.timeout = try h.timeout.map(GoDuration.nanoseconds)
                hc.startPeriod = try h.startPeriod.map(GoDuration.nanoseconds)
                hc.startInterval = try h.startInterval.map(GoDuration.nanoseconds)
                hc.retries = h.retries
                rc.healthcheck = hc
            }
        case .onbuild(let trigger):
            rc.onBuild = (rc.onBuild ?? []) + [trigger]
        case .maintainer(let who):
            s.config.author = who
        case .run, .copy, .add:
            return
        }
        s.runConfig = rc
        let createdBy = "/bin/sh -c #(nop)  " + original
        let key = Self.cacheKey(original, String(describing: command), s.args.keys.sorted().map { "\($0)=\(s.args[$0]!)" }.joined(separator: " "))
        if let hit = cached(s, key: key) {
            useCache(hit, &s)
            state = s
            return
        }
        try commit(&s, createdBy: createdBy, layer: nil, cacheKey: key)
        state = s
    }

    /// CMD/ENTRYPOINT/RUN argv: exec form as written, shell form through the stage's SHELL.
    func argv(_ form: Form, _ s: BuildState) -> [String] {
        switch form {
        case .exec(let a): return a
        case .shell(let cmd): return s.shell + [cmd]
        }
    }
}

extension String {
    /// Path joining for WORKDIR and COPY: a relative path is under this directory.
    func joinedPath(_ rel: String) -> String {
        var base = self
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        return (base == "/" ? "" : base) + "/" + rel
    }
}

import Testing
import Dockerfile

/// Each instruction's arguments, as Docker's instruction parser gives them meaning.
@Suite struct InstructionTests {
    @Test func runShellAndExecForms() throws {
        #expect(try command("RUN echo \"hello world\"") == .run(RunSpec(form: .shell("echo \"hello world\""))))
        #expect(try command(#"RUN ["/bin/sh", "-c", "echo hi"]"#) == .run(RunSpec(form: .exec(["/bin/sh", "-c", "echo hi"]))))
        // Not valid JSON (single quotes, unterminated): the shell form, text kept.
        #expect(try command("RUN ['a', 'b']") == .run(RunSpec(form: .shell("['a', 'b']"))))
        #expect(try command(#"RUN ["a", "b""#) == .run(RunSpec(form: .shell(#"["a", "b""#))))
        // JSON escapes are decoded.
        #expect(try command(#"CMD ["a\"b", "\u00e9\t", "x\/y"]"#) == .cmd(.exec(["a\"b", "é\t", "x/y"])))
        #expect(try command("CMD []") == .cmd(.exec([])))
    }

    @Test func jsonArrayOfNonStringsIsAnError() {
        #expect(parseError("FROM x\nCMD [\"a\", 1]\n") == "failed to parse Dockerfile: when using JSON array syntax, arrays must be comprised of strings only")
        #expect(parseError("FROM x\nCOPY [\"a\", [\"b\"]]\n") != nil)
    }

    @Test func runFlags() throws {
        let c = try command("RUN --mount=type=cache,target=/root/.cache,sharing=locked --mount=type=secret,id=npm,dst=/run/npmrc,required --network=none npm ci")
        guard case .run(let run) = c else { Issue.record("not RUN"); return }
        #expect(run.form == .shell("npm ci"))
        #expect(run.network == "none")
        #expect(run.mounts == [
            RunMount(type: "cache", options: ["target": "/root/.cache", "sharing": "locked"]),
            RunMount(type: "secret", options: ["id": "npm", "target": "/run/npmrc", "required": "true"]),
        ])
        // bind is the default type; aliases are spelled canonically; values stay unexpanded.
        #expect(try command("RUN --mount=from=builder,src=/out,destination=$DIR,ro true")
                == .run(RunSpec(form: .shell("true"), mounts: [RunMount(type: "bind", options: ["from": "builder", "source": "/out", "target": "$DIR", "readonly": "true"])])))
        // A CSV field may be quoted to hold a comma (the quotes escaped from the flag parser).
        #expect(try command(#"RUN --mount=type=bind,\"target=/a,b\" true"#)
                == .run(RunSpec(form: .shell("true"), mounts: [RunMount(type: "bind", options: ["target": "/a,b"])])))
    }

    @Test func runSecurityAndDevices() throws {
        #expect(try command("RUN --security=insecure --device=/dev/fuse --device=name=gpu make")
                == .run(RunSpec(form: .shell("make"), security: "insecure", devices: ["/dev/fuse", "name=gpu"])))
        #expect(parseError("FROM x\nRUN --security=root true\n") == "dockerfile parse error on line 2: security \"root\" is not valid")
    }

    @Test func mountValuesMayBeVariables() throws {
        // Docker expands mount fields when the step runs, so a variable type is kept as is.
        #expect(try command("RUN --mount=type=$MOUNT_TYPE,target=$CACHE_DIR true")
                == .run(RunSpec(form: .shell("true"), mounts: [RunMount(type: "$MOUNT_TYPE", options: ["target": "$CACHE_DIR"])])))
        #expect(try command("RUN --mount=TYPE=Cache,Target=/x true")
                == .run(RunSpec(form: .shell("true"), mounts: [RunMount(type: "cache", options: ["target": "/x"])])))
    }

    @Test func runFlagErrors() {
        #expect(parseError("FROM x\nRUN --mont=type=cache,target=/x true\n") == "dockerfile parse error on line 2: unknown flag: --mont (did you mean mount?)")
        #expect(parseError("FROM x\nRUN --network=bridge true\n") == "dockerfile parse error on line 2: invalid network mode \"bridge\"")
        #expect(parseError("FROM x\nRUN --mount=type=volume,target=/x true\n") == "dockerfile parse error on line 2: unsupported mount type \"volume\"")
        #expect(parseError("FROM x\nRUN --mount=type=cache,tgt=/x true\n") == "dockerfile parse error on line 2: unexpected key 'tgt' in 'tgt=/x' (did you mean dst?)")
        #expect(parseError("FROM x\nRUN --mount=type=bind,target=/x,mode=0700 true\n") == "dockerfile parse error on line 2: mode not allowed for \"bind\" type mounts")
        #expect(parseError("FROM x\nRUN --mount=type=cache,target=/x,from=$STAGE true\n") == "dockerfile parse error on line 2: 'from' doesn't support variable expansion, define alias stage instead")
        #expect(parseError("FROM x\nRUN --mount true\n") == "dockerfile parse error on line 2: missing a value on flag: --mount")
        #expect(parseError("FROM x\nRUN --network=none --network=host true\n") == "dockerfile parse error on line 2: duplicate flag specified: --network")
    }

    @Test func flagsEndAtDoubleDash() throws {
        #expect(try command("RUN -- --not-a-flag") == .run(RunSpec(form: .shell("--not-a-flag"))))
    }

    @Test func cmdAndEntrypoint() throws {
        #expect(try command("CMD echo $HOME") == .cmd(.shell("echo $HOME")))
        #expect(try command(#"ENTRYPOINT ["/docker-entrypoint.sh"]"#) == .entrypoint(.exec(["/docker-entrypoint.sh"])))
        #expect(try command("ENTRYPOINT top -b") == .entrypoint(.shell("top -b")))
        // Docker takes a leading --word of a shell-form CMD for a flag.
        #expect(parseError("FROM x\nCMD --help\n") == "dockerfile parse error on line 2: unknown flag: --help")
    }

    @Test func shellRequiresJSON() throws {
        #expect(try command(#"SHELL ["powershell", "-command"]"#) == .shell(["powershell", "-command"]))
        #expect(parseError("FROM x\nSHELL /bin/bash -c\n") == "dockerfile parse error on line 2: SHELL requires the arguments to be in JSON form")
        #expect(parseError("FROM x\nSHELL []\n") == "dockerfile parse error on line 2: SHELL requires at least one argument")
    }

    @Test func envBothForms() throws {
        #expect(try command(#"ENV a=b c="d e" f=g\ h"#) == .env([
            KeyValue(key: "a", value: "b"), KeyValue(key: "c", value: "\"d e\""), KeyValue(key: "f", value: "g\\ h"),
        ]))
        // Legacy form: the first word has no "=", the rest of the line is the value.
        #expect(try command("ENV PATH /usr/local/bin:$PATH   with  spaces") == .env([KeyValue(key: "PATH", value: "/usr/local/bin:$PATH   with  spaces")]))
        // A quoted value may span a continuation.
        #expect(try command("ENV a=\"x \\\n   y\" b=2") == .env([KeyValue(key: "a", value: "\"x    y\""), KeyValue(key: "b", value: "2")]))
        #expect(try command("ENV empty=") == .env([KeyValue(key: "empty", value: "")]))
    }

    @Test func envValuesExpandLikeDocker() throws {
        guard case .env(let kvs) = try command(#"ENV a="d e" b='$HOME' c=$HOME/x d=g\ h"#) else { Issue.record("not ENV"); return }
        let env = ["HOME": "/root"]
        #expect(try kvs.map { try ShellWord.expand($0.value, env: env) } == ["d e", "$HOME", "/root/x", "g h"])
    }

    @Test func envErrors() {
        #expect(parseError("FROM x\nENV\n") == "dockerfile parse error on line 2: ENV requires at least one argument")
        #expect(parseError("FROM x\nENV onlyname\n") == "failed to parse Dockerfile: ENV must have two arguments")
        #expect(parseError("FROM x\nENV a=b c\n") == "failed to parse Dockerfile: Syntax error - can't find = in \"c\". Must be of the form: name=value")
        #expect(parseError("FROM x\nENV =b\n") == "dockerfile parse error on line 2: ENV names can not be blank")
    }

    @Test func label() throws {
        #expect(try command(#"LABEL org.opencontainers.image.title="My App" version=1.0 "quoted key"=v"#) == .label([
            KeyValue(key: "org.opencontainers.image.title", value: "\"My App\""),
            KeyValue(key: "version", value: "1.0"),
            KeyValue(key: "\"quoted key\"", value: "v"),
        ]))
        #expect(try command("LABEL maintainer someone <a@b>") == .label([KeyValue(key: "maintainer", value: "someone <a@b>")]))
        #expect(parseError("FROM x\nLABEL\n") == "dockerfile parse error on line 2: LABEL requires at least one argument")
        #expect(parseError("FROM x\nLABEL x\n") == "failed to parse Dockerfile: LABEL must have two arguments")
    }

    @Test func arg() throws {
        #expect(try command("ARG VERSION") == .arg([ArgDecl(name: "VERSION")]))
        #expect(try command("ARG A=1 B C= D=\"x y\"") == .arg([
            ArgDecl(name: "A", defaultValue: "1"), ArgDecl(name: "B"), ArgDecl(name: "C", defaultValue: ""),
            ArgDecl(name: "D", defaultValue: "\"x y\""),
        ]))
        #expect(parseError("FROM x\nARG\n") == "dockerfile parse error on line 2: ARG requires at least one argument")
        #expect(parseError("FROM x\nARG =1\n") == "dockerfile parse error on line 2: ARG names can not be blank")
    }

    @Test func exposeAndVolume() throws {
        // Docker sorts EXPOSE's words.
        #expect(try command("EXPOSE 8080 443/udp 80/tcp") == .expose(["443/udp", "80/tcp", "8080"]))
        #expect(try command("EXPOSE $PORT") == .expose(["$PORT"]))
        #expect(try command(#"VOLUME ["/data", "/var/log"]"#) == .volume(["/data", "/var/log"]))
        #expect(try command("VOLUME /data /var/log") == .volume(["/data", "/var/log"]))
        #expect(parseError("FROM x\nEXPOSE\n") == "dockerfile parse error on line 2: EXPOSE requires at least one argument")
        #expect(parseError("FROM x\nVOLUME\n") == "dockerfile parse error on line 2: VOLUME requires at least one argument")
        #expect(parseError("FROM x\nVOLUME [\"\"]\n") == "dockerfile parse error on line 2: VOLUME specified can not be an empty string")
    }

    @Test func singleArgumentInstructions() throws {
        #expect(try command("USER 1000:1000") == .user("1000:1000"))
        #expect(try command("WORKDIR /app/src") == .workdir("/app/src"))
        // The whole rest of the line is the one argument.
        #expect(try command("WORKDIR /my dir") == .workdir("/my dir"))
        #expect(try command("STOPSIGNAL SIGKILL") == .stopSignal("SIGKILL"))
        #expect(try command("MAINTAINER Jane Doe <jane@example.com>") == .maintainer("Jane Doe <jane@example.com>"))
        #expect(parseError("FROM x\nWORKDIR\n") == "dockerfile parse error on line 2: WORKDIR requires exactly one argument")
        #expect(parseError("FROM x\nUSER\n") == "dockerfile parse error on line 2: USER requires exactly one argument")
        #expect(parseError("FROM x\nSTOPSIGNAL\n") == "dockerfile parse error on line 2: STOPSIGNAL requires exactly one argument")
        #expect(parseError("FROM x\nMAINTAINER\n") == "dockerfile parse error on line 2: MAINTAINER requires exactly one argument")
    }

    @Test func copyAndAdd() throws {
        #expect(try command("COPY a b /dst/") == .copy(CopySpec(sources: ["a", "b"], destination: "/dst/")))
        #expect(try command(#"COPY ["with space", "/dst dir/"]"#) == .copy(CopySpec(sources: ["with space"], destination: "/dst dir/")))
        #expect(try command("COPY --from=builder --chown=app:app --chmod=0755 --link /out/bin /usr/local/bin/")
                == .copy(CopySpec(sources: ["/out/bin"], destination: "/usr/local/bin/", from: "builder", chown: "app:app", chmod: "0755", link: true)))
        #expect(try command("COPY --link=false --exclude=*.md --exclude=.git --parents a /d")
                == .copy(CopySpec(sources: ["a"], destination: "/d", excludes: ["*.md", ".git"], parents: true)))
        #expect(try command("ADD --chown=1:2 --checksum=sha256:abc --keep-git-dir https://x/y.tar /z")
                == .add(CopySpec(sources: ["https://x/y.tar"], destination: "/z", chown: "1:2", checksum: "sha256:abc", keepGitDir: true)))
        #expect(try command("ADD --unpack=false a.tar /z") == .add(CopySpec(sources: ["a.tar"], destination: "/z", unpack: false)))
        // Quoted flag values lose their quotes.
        #expect(try command(#"COPY --chown="a b" x y"#) == .copy(CopySpec(sources: ["x"], destination: "y", chown: "a b")))
    }

    @Test func copyErrors() {
        #expect(parseError("FROM x\nCOPY onlyone\n") == "dockerfile parse error on line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined")
        #expect(parseError("FROM x\nADD\n") == "dockerfile parse error on line 2: ADD requires at least two arguments, but only one was provided. Destination could not be determined")
        #expect(parseError("FROM x\nCOPY --xyz a b\n") == "dockerfile parse error on line 2: unknown flag: --xyz")
        #expect(parseError("FROM x\nADD --from=a b c\n") == "dockerfile parse error on line 2: unknown flag: --from")
        #expect(parseError("FROM x\nCOPY --chown a b\n") == "dockerfile parse error on line 2: missing a value on flag: --chown")
        #expect(parseError("FROM x\nCOPY --link=maybe a b\n") == "dockerfile parse error on line 2: expecting boolean value for flag --link, not: maybe")
        #expect(parseError("FROM x\nCOPY --chmod=7 --chmod=7 a b\n") == "dockerfile parse error on line 2: duplicate flag specified: --chmod")
    }

    @Test func healthcheck() throws {
        #expect(try command("HEALTHCHECK NONE") == .healthcheck(HealthSpec(test: nil, none: true)))
        #expect(try command("HEALTHCHECK --interval=30s --timeout=3s --start-period=1m --start-interval=2s --retries=3 CMD curl -f http://localhost/ || exit 1")
                == .healthcheck(HealthSpec(test: .shell("curl -f http://localhost/ || exit 1"), interval: "30s", timeout: "3s",
                                           startPeriod: "1m", startInterval: "2s", retries: 3)))
        #expect(try command(#"HEALTHCHECK cmd ["/bin/check", "--quiet"]"#) == .healthcheck(HealthSpec(test: .exec(["/bin/check", "--quiet"]))))
        #expect(try command("HEALTHCHECK --interval=0s CMD true") == .healthcheck(HealthSpec(test: .shell("true"), interval: "0s")))
    }

    @Test func healthcheckErrors() {
        func err(_ line: String) -> String? { parseError("FROM x\n" + line + "\n") }
        #expect(err("HEALTHCHECK") == "dockerfile parse error on line 2: HEALTHCHECK requires at least one argument")
        #expect(err("HEALTHCHECK NONE now") == "dockerfile parse error on line 2: HEALTHCHECK NONE takes no arguments")
        #expect(err("HEALTHCHECK CMD") == "dockerfile parse error on line 2: Missing command after HEALTHCHECK CMD")
        #expect(err("HEALTHCHECK CONNECT TCP 7000") == "dockerfile parse error on line 2: Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)")
        #expect(err("HEALTHCHECK --interval=soon CMD true") == "dockerfile parse error on line 2: time: invalid duration \"soon\"")
        #expect(err("HEALTHCHECK --timeout=5 CMD true") == "dockerfile parse error on line 2: time: missing unit in duration \"5\"")
        #expect(err("HEALTHCHECK --interval=100us CMD true") == "dockerfile parse error on line 2: Interval \"interval\" cannot be less than 1ms")
        #expect(err("HEALTHCHECK --retries=-1 CMD true") == "dockerfile parse error on line 2: --retries cannot be negative (-1)")
        #expect(err("HEALTHCHECK --retries=x CMD true") == "dockerfile parse error on line 2: strconv.ParseInt: parsing \"x\": invalid syntax")
        #expect(err("HEALTHCHECK --intervl=1s CMD true") == "dockerfile parse error on line 2: unknown flag: --intervl (did you mean interval?)")
    }

    @Test func goDurations() throws {
        #expect(try GoDuration.nanoseconds("1m30s") == 90_000_000_000)
        #expect(try GoDuration.nanoseconds("1.5h") == 5_400_000_000_000)
        #expect(try GoDuration.nanoseconds("250ms") == 250_000_000)
        #expect(try GoDuration.nanoseconds("0") == 0)
        #expect(try GoDuration.nanoseconds("-2us") == -2_000)
        #expect(message { try GoDuration.nanoseconds("3 s") } == "time: unknown unit \" s\" in duration \"3 s\"")
        #expect(message { try GoDuration.nanoseconds("") } == "time: invalid duration \"\"")
    }

    @Test func onbuild() throws {
        #expect(try command("ONBUILD RUN echo hi") == .onbuild("RUN echo hi"))
        #expect(try command("onbuild   COPY --chown=a . /app") == .onbuild("COPY --chown=a . /app"))
        #expect(parseError("FROM x\nONBUILD ONBUILD RUN x\n") == "dockerfile parse error on line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
        #expect(parseError("FROM x\nONBUILD FROM y\n") == "dockerfile parse error on line 2: FROM isn't allowed as an ONBUILD trigger")
        #expect(parseError("FROM x\nONBUILD maintainer me\n") == "dockerfile parse error on line 2: MAINTAINER isn't allowed as an ONBUILD trigger")
        #expect(parseError("FROM x\nONBUILD\n") == "dockerfile parse error on line 2: ONBUILD requires at least one argument")
        // The trigger's own arguments go through the line parser too.
        #expect(parseError("FROM x\nONBUILD ENV a\n") == "failed to parse Dockerfile: ENV must have two arguments")
    }

    @Test func unknownInstruction() {
        #expect(parseError("FROM x\nRUN a\nRUNN b\n") == "dockerfile parse error on line 3: unknown instruction: RUNN (did you mean RUN?)")
        #expect(parseError("FROM x\ncopyy a b\n") == "dockerfile parse error on line 2: unknown instruction: copyy (did you mean copy?)")
        #expect(parseError("FROM x\nFROBNICATE\n") == "dockerfile parse error on line 2: unknown instruction: FROBNICATE")
    }
}

/// What one instruction asks for. Values are as written: Docker expands variables (with
/// `ShellWord`) only for ADD, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME,
/// WORKDIR, ARG and the `--mount` fields of RUN, and does it when the step runs, because
/// the environment changes from step to step.
public enum Command: Sendable, Equatable {
    case run(RunSpec)
    case cmd(Form)
    case entrypoint(Form)
    case shell([String])
    case env([KeyValue])
    case label([KeyValue])
    case arg([ArgDecl])
    /// Ports as written, sorted as Docker sorts them; expand each with
    /// `ShellWord.expandWords` (one word may become several).
    case expose([String])
    /// Paths as written (JSON form or whitespace-split).
    case volume([String])
    case user(String)
    case workdir(String)
    case stopSignal(String)
    case copy(CopySpec)
    case add(CopySpec)
    /// The trigger as Docker stores it in the image's OnBuild list: the line without its
    /// ONBUILD keyword, each heredoc appended as "\n" + content + name.
    case onbuild(String)
    case healthcheck(HealthSpec)
    case maintainer(String)
}

/// How RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD were written: a command line handed to
/// the stage's SHELL, or a JSON array executed directly.
public enum Form: Sendable, Equatable {
    case shell(String)
    case exec([String])
}

/// docker's management commands (`docker container ls`, `docker image rm`, …) name the same
/// operations as its top-level verbs; wharf maps them onto those verbs before parsing.
enum ManagementAliases {
    /// group → subcommand → the top-level argv that does it.
    static let table: [String: [String: [String]]] = [
        "container": [
            "ls": ["ps"], "list": ["ps"], "ps": ["ps"], "rm": ["rm"], "remove": ["rm"], "inspect": ["inspect", "--type", "container"],
            "attach": ["attach"], "commit": ["commit"], "cp": ["cp"], "create": ["create"], "diff": ["diff"],
            "exec": ["exec"], "export": ["export"], "kill": ["kill"], "logs": ["logs"], "pause": ["pause"],
            "port": ["port"], "rename": ["rename"], "restart": ["restart"], "run": ["run"], "start": ["start"],
            "stats": ["stats"], "stop": ["stop"], "top": ["top"], "unpause": ["unpause"], "update": ["update"],
            "wait": ["wait"],
        ],
        "image": [
            "ls": ["images"], "list": ["images"], "rm": ["rmi"], "remove": ["rmi"], "inspect": ["inspect", "--type", "image"],
            "tag": ["tag"], "pull": ["pull"], "push": ["push"], "save": ["save"], "load": ["load"],
            "import": ["import"], "build": ["build"],
        ],
        "system": ["info": ["info"], "events": ["events"]],
        "builder": ["build": ["build"]],
    ]

    /// The argv with a management command rewritten, or unchanged.
    static func rewrite(_ args: [String]) -> [String] {
        guard args.count >= 2, let group = table[args[0]], let target = group[args[1]] else { return args }
        return target + Array(args.dropFirst(2))
    }
}

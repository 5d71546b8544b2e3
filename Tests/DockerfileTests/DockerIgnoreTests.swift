import Testing
import Dockerfile

@Suite struct DockerIgnoreTests {
    @Test func parsingCleansPatterns() {
        let ig = DockerIgnore.parse("""
            # comment
              *.log  \r

            /build/
            ./dist//x/../y
            ! keep.log
            !/docs/README.md
              # not a comment: only the first column starts one
            """)
        #expect(ig.patterns == ["*.log", "build", "dist/y", "!keep.log", "!docs/README.md", "# not a comment: only the first column starts one"])
    }

    @Test func wildcardsStayInAComponent() {
        let ig = DockerIgnore(patterns: ["*.log", "tmp?", "[abc].txt", "src/*.o"])
        #expect(ig.excludes("app.log"))
        #expect(!ig.excludes("logs/app.log")) // "*" does not cross "/"
        #expect(ig.excludes("tmp1"))
        #expect(!ig.excludes("tmp12"))
        #expect(ig.excludes("b.txt"))
        #expect(!ig.excludes("d.txt"))
        #expect(ig.excludes("src/main.o"))
        #expect(!ig.excludes("src/sub/main.o"))
        #expect(!ig.excludes("main.o"))
    }

    @Test func doubleStarCrossesComponents() {
        let ig = DockerIgnore(patterns: ["**/tmp", "**/*.pyc", "docs/**/*.md"])
        #expect(ig.excludes("tmp"))
        #expect(ig.excludes("a/b/tmp"))
        #expect(ig.excludes("a/tmp/file")) // under an excluded directory
        #expect(!ig.excludes("a/footmp"))
        #expect(ig.excludes("x.pyc"))
        #expect(ig.excludes("pkg/mod/x.pyc"))
        #expect(ig.excludes("docs/a.md"))
        #expect(ig.excludes("docs/x/y/a.md"))
        #expect(!ig.excludes("other/a.md"))
    }

    @Test func directoryPatternsExcludeEverythingUnder() {
        let ig = DockerIgnore.parse("node_modules/\n/build\n.git\n")
        #expect(ig.excludes("node_modules"))
        #expect(ig.excludes("node_modules/left-pad/index.js"))
        #expect(ig.excludes("build/out/bin"))
        #expect(ig.excludes(".git/HEAD"))
        #expect(!ig.excludes("src/build")) // anchored at the context root
        #expect(!ig.excludes("src/main.swift"))
        #expect(!ig.excludes(".gitignore"))
        #expect(!ig.excludes("."))
        #expect(!ig.excludes(""))
        #expect(ig.excludes("./build"))
    }

    @Test func exceptionsLaterLinesWin() {
        let ig = DockerIgnore.parse("*.log\n!keep.log\n")
        #expect(ig.excludes("debug.log"))
        #expect(!ig.excludes("keep.log"))

        // An exception can be overridden again.
        let again = DockerIgnore.parse("*.md\n!README*.md\nREADME-secret.md\n")
        #expect(ig.excludes("a.log"))
        #expect(again.excludes("CHANGES.md"))
        #expect(!again.excludes("README.md"))
        #expect(again.excludes("README-secret.md"))

        // An exception before the pattern it would cancel has no effect.
        #expect(DockerIgnore.parse("!keep.log\n*.log\n").excludes("keep.log"))
    }

    @Test func exceptionsInsideExcludedDirectories() {
        let ig = DockerIgnore.parse("docs\n!docs/README.md\n")
        #expect(ig.excludes("docs/guide.md"))
        #expect(!ig.excludes("docs/README.md"))
        #expect(ig.excludes("docs")) // the directory itself stays excluded

        let whole = DockerIgnore.parse("vendor\n!vendor\n")
        #expect(!whole.excludes("vendor/x/y"))
    }

    @Test func everythingButSome() {
        let ig = DockerIgnore.parse("*\n!src\n!package.json\n")
        #expect(ig.excludes("README.md"))
        #expect(ig.excludes("test/x"))
        #expect(!ig.excludes("src/index.js"))
        #expect(!ig.excludes("package.json"))
    }

    @Test func escapesAndLiterals() {
        let ig = DockerIgnore(patterns: ["a\\*b", "file(1).txt", "c+d"])
        #expect(ig.excludes("a*b"))
        #expect(!ig.excludes("axb"))
        #expect(ig.excludes("file(1).txt"))
        #expect(ig.excludes("c+d"))
        #expect(!ig.excludes("ccd"))
    }

    @Test func malformedPatternsMatchNothing() {
        let ig = DockerIgnore(patterns: ["[abc", "!"])
        #expect(!ig.excludes("a"))
        #expect(!ig.excludes("[abc"))
    }

    @Test func mayIncludeUnder() {
        let ig = DockerIgnore.parse("docs\n!docs/api/*.md\nbuild\n")
        #expect(ig.mayIncludeUnder("docs"))
        #expect(ig.mayIncludeUnder("docs/api"))
        #expect(!ig.mayIncludeUnder("docs/other"))
        #expect(!ig.mayIncludeUnder("build"))

        #expect(!DockerIgnore.parse("*.log\n").mayIncludeUnder("logs"))
        #expect(DockerIgnore.parse("*\n!**/keep\n").mayIncludeUnder("any/dir"))
        #expect(DockerIgnore.parse("*\n!src\n").mayIncludeUnder("src/deep"))
        #expect(!DockerIgnore.parse("*\n!src\n").mayIncludeUnder("lib"))
        #expect(DockerIgnore.parse("a\n!a/*/c\n").mayIncludeUnder("a/b"))
        #expect(!DockerIgnore.parse("a\n!a/*/c\n").mayIncludeUnder("b"))
        let deep = DockerIgnore.parse("*\n!docs/**\n")
        #expect(deep.mayIncludeUnder("docs/x/y"))
        #expect(!deep.mayIncludeUnder("build"))
    }
}

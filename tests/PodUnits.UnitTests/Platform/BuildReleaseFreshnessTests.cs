using System.Diagnostics;

namespace PodUnits.UnitTests.Platform;

/// <summary>
/// Packaging review of 2026-12-07, finding 4: packaging/build-release.sh took the new CLI's
/// date for the whole build's, so after a stage 1 publish that failed the next run declared
/// the build up to date and the packages shipped a new CLI with the old podunits-stage1. The
/// script runs here on a copy of its tree, with a `dotnet` of the test's own first on PATH
/// that logs each publish, writes the executable and fails or edits a source when told to.
/// </summary>
public sealed class BuildReleaseFreshnessTests : IDisposable
{
    private const string FakeDotnet = """
        #!/bin/sh
        echo "$2" >>"$FAKE_LOG"
        out=; prev=
        for a in "$@"; do [ "$prev" = -o ] && out=$a; prev=$a; done
        case $2 in
            *Stage1) [ -z "${FAIL_STAGE1:-}" ] || exit 1; file=podunits-stage1 ;;
            *) file=podunits; [ -z "${EDIT_DURING_CLI:-}" ] || { sleep 0.05; touch "$EDIT_DURING_CLI"; } ;;
        esac
        mkdir -p "$out" && printf '#!/bin/sh\n' >"$out/$file" && chmod +x "$out/$file"
        mkdir -p "$2/obj" && touch "$2/obj/project.assets.json" # as the SDK writes obj/ during the build
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("podunits-build-release-").FullName;

    public BuildReleaseFreshnessTests()
    {
        Directory.CreateDirectory(Path.Join(_root, "packaging"));
        foreach (string script in (string[])["packaging/build-release.sh", "packaging/build-id.sh"])
        {
            File.Copy(Path.Join(RepoRoot.Path, script), Path.Join(_root, script));
        }
        Directory.CreateDirectory(Path.Join(_root, "src/PodUnits.Runtime"));
        Directory.CreateDirectory(Path.Join(_root, "bin"));
        File.WriteAllText(Path.Join(_root, "bin/dotnet"), FakeDotnet.Replace("\r", "", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(Path.Join(_root, "bin/dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (string source in (string[])["src/PodUnits.Runtime/A.cs", "Directory.Build.props", "Directory.Packages.props", "global.json"])
        {
            File.WriteAllText(Path.Join(_root, source), "");
            File.SetLastWriteTimeUtc(Path.Join(_root, source), DateTime.UtcNow.AddHours(-1));
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Log => Path.Join(_root, "dotnet.log");

    /// <summary>Runs the script; returns its exit status and the projects it published.</summary>
    private (int Code, string[] Published) Build(params (string Name, string Value)[] environment)
    {
        File.WriteAllText(Log, "");
        var psi = new ProcessStartInfo("bash", [Path.Join(_root, "packaging/build-release.sh")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PATH"] = Path.Join(_root, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["FAKE_LOG"] = Log;
        foreach ((string name, string value) in environment)
        {
            psi.Environment[name] = value;
        }
        using var process = Process.Start(psi)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, File.ReadAllLines(Log));
    }

    private static readonly string[] Both = ["src/PodUnits.Cli", "src/PodUnits.Stage1"];

    private static void Published(string[] expected, (int Code, string[] Published) run)
    {
        Assert.Equal(0, run.Code);
        Assert.Equal(expected, run.Published);
    }

    /// <summary>An edit now; the pauses keep it apart from the builds' stamps, which the
    /// kernel dates with its coarse clock (a tick of some milliseconds).</summary>
    private void Edit(string source)
    {
        Thread.Sleep(50);
        File.SetLastWriteTimeUtc(Path.Join(_root, source), DateTime.UtcNow);
        Thread.Sleep(50);
    }

    [Fact]
    public void AFinishedBuildIsUpToDateUntilASourceChanges()
    {
        Published(Both, Build());
        Published([], Build());
        Edit("global.json"); // the SDK it names builds the binaries too
        Published(Both, Build());
    }

    [Fact]
    public void AFailedStage1PublishIsBuiltAgainNotPackagedWithTheNewCli()
    {
        Assert.Equal(0, Build().Code);
        Edit("src/PodUnits.Runtime/A.cs");
        Assert.NotEqual(0, Build(("FAIL_STAGE1", "1")).Code); // the new CLI is written, stage 1 is not
        Published(Both, Build());
        Published([], Build());
    }

    [Fact]
    public void ASourceEditedDuringTheBuildIsBuiltAgain()
    {
        Assert.Equal(0, Build(("EDIT_DURING_CLI", Path.Join(_root, "src/PodUnits.Runtime/A.cs"))).Code);
        Published(Both, Build());
    }
}

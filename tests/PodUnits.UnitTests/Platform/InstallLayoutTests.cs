using System.Diagnostics;

namespace PodUnits.UnitTests.Platform;

/// <summary>packaging/install.sh --destdir must produce exactly the installed layout of
/// docs/design.md ("Installed layout"). Needs the release binary (tests/run.sh builds it first).</summary>
public sealed class InstallLayoutTests : IDisposable
{
    private readonly string _dest = Path.Combine(Path.GetTempPath(), "podunits-install-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dest, recursive: true);

    [Fact]
    public void InstallsEveryPathOfTheDesign()
    {
        Directory.CreateDirectory(_dest);
        var psi = new ProcessStartInfo("bash", ["packaging/install.sh", "--no-build", "--destdir", _dest])
        {
            WorkingDirectory = RepoRoot.Path,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "install.sh failed: " + stderr);

        string[] files =
        [
            "usr/bin/podunits",
            "usr/lib/systemd/system/pod@.service",
            "usr/lib/systemd/system/podunits-auto-update.service",
            "usr/lib/systemd/system/podunits-auto-update.timer",
            "usr/lib/tmpfiles.d/podunits.conf",
            "etc/podunits/registries.yaml",
        ];
        foreach (string file in files)
        {
            Assert.True(File.Exists(Path.Combine(_dest, file)), $"missing file {file}");
        }
        string[] directories = ["etc/podunits/pods", "run/podunits/pods", "usr/lib/podunits/pods", "var/lib/podunits"];
        foreach (string directory in directories)
        {
            Assert.True(Directory.Exists(Path.Combine(_dest, directory)), $"missing directory {directory}");
        }

        // The generator is the CLI binary under another name, linked relatively so the
        // link also works inside a package root.
        var generator = new FileInfo(Path.Combine(_dest, "usr/lib/systemd/system-generators/podunits-generator"));
        Assert.Equal("../../../bin/podunits", generator.LinkTarget);
        Assert.True(File.Exists(generator.FullName), "generator link must resolve to the binary");
        Assert.True((File.GetUnixFileMode(Path.Combine(_dest, "usr/bin/podunits")) & UnixFileMode.UserExecute) != 0);
    }
}

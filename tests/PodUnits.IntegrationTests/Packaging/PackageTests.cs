using PodUnits.IntegrationTests.Runtime;
using PodUnits.UnitTests;

namespace PodUnits.IntegrationTests.Packaging;

/// <summary>
/// The packages, built by packaging/build-packages.sh from the binaries under test: the RPM
/// holds exactly the install layout, the .deb installs, and a package of some other service
/// that ships /usr/lib/podunits/pods/NAME.yaml gets its pod pulled in by multi-user.target
/// and started, and stopped again when it is removed.
/// </summary>
public sealed class PackageTests : IClassFixture<PackageTests.Built>
{
    private readonly Built _built;

    public PackageTests(Built built) => _built = built;

    /// <summary>Builds both packages and the install layout once for the class.</summary>
    public sealed class Built : IDisposable
    {
        public string Dir { get; } = Directory.CreateTempSubdirectory("podunits-packages-").FullName;
        public string Rpm => Directory.GetFiles(Dir, "*.rpm").Single();
        public string Deb => Directory.GetFiles(Dir, "podunits_*.deb").Single();
        public string Staging => Dir + "/staging";

        public Built()
        {
            Must(PodHarness.Run(RepoRoot.Path + "/packaging/build-packages.sh", "--no-build", Dir));
            Must(PodHarness.Run(RepoRoot.Path + "/packaging/install.sh", "--no-build", "--destdir", Staging));
        }

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    private static string Must((int Code, string Output) run)
    {
        Assert.True(run.Code == 0, run.Output);
        return run.Output;
    }

    [Fact]
    public void TheRpmHoldsExactlyTheInstallLayout()
    {
        HashSet<string> rpm = [.. Must(PodHarness.Run("rpm", "-qlp", _built.Rpm)).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        var staged = Directory.EnumerateFileSystemEntries(_built.Staging, "*", SearchOption.AllDirectories)
            .Select(p => p[_built.Staging.Length..]).ToList();
        // Every file and link the install script puts down is in the RPM...
        foreach (string path in staged.Where(p => !Directory.Exists(_built.Staging + p) || new FileInfo(_built.Staging + p).LinkTarget is not null))
        {
            Assert.Contains(path, rpm);
        }
        // ...so is every directory of PodUnits' own (not /usr or /etc themselves)...
        foreach (string dir in staged.Where(p => Directory.Exists(_built.Staging + p) && p.Contains("podunits", StringComparison.Ordinal)
            && !p.Contains("/doc/", StringComparison.Ordinal)))
        {
            Assert.Contains(dir, rpm);
        }
        // ...and the RPM holds nothing the install script does not.
        Assert.All(rpm, path => Assert.True(Path.Exists(_built.Staging + path), $"{path} is in the RPM only"));
        Assert.Contains("/usr/lib/systemd/system/pod@.service", rpm);
        Assert.Contains("/usr/share/man/man1/podunits.1", rpm);
        Assert.Contains("/usr/libexec/podunits/podunits-stage1", rpm);
    }

    [Fact]
    public void AnotherPackagesPodStartsWithMultiUserTargetAndStopsOnRemoval()
    {
        // The sandbox's /etc/podunits/registries.yaml is install.sh's (or a registry test's,
        // running alongside): keep it, as apt does for an administrator's edited conffile,
        // instead of letting dpkg ask on a terminal nobody reads.
        Must(PodHarness.Run("dpkg", "--force-confdef", "--force-confold", "-i", _built.Deb));
        string deb = BuildExamplePackage();
        const string unit = "pod@pkg-hello.service";
        try
        {
            Must(PodHarness.Run("dpkg", "-i", deb));
            // The postinst's daemon-reload ran the generator: the pod is wanted at boot.
            Assert.Contains(unit, Must(PodHarness.Run("systemctl", "show", "-p", "Wants", "--value", "multi-user.target")).Split(' ', '\n'));
            Assert.Equal("enabled-runtime", PodHarness.Run("systemctl", "is-enabled", unit).Output.Trim());
            // What boot does when it reaches multi-user.target.
            Must(PodHarness.Run("systemctl", "start", "multi-user.target"));
            Assert.True(PodHarness.WaitFor(() => PodHarness.Run("systemctl", "is-active", unit).Output.Trim() == "active"),
                PodHarness.Run("systemctl", "status", unit, "--no-pager").Output);
            Assert.True(PodHarness.WaitFor(() => PodHarness.Run("journalctl", "-u", unit, "-o", "cat", "--no-pager").Output
                .Contains("hello from a package", StringComparison.Ordinal)));

            Must(PodHarness.Run("dpkg", "-r", "podunits-example-hello"));
            Assert.NotEqual("active", PodHarness.Run("systemctl", "is-active", unit).Output.Trim());
            Assert.DoesNotContain(unit, PodHarness.Run("systemctl", "show", "-p", "Wants", "--value", "multi-user.target").Output, StringComparison.Ordinal);
        }
        finally
        {
            PodHarness.Run("dpkg", "-r", "podunits-example-hello");
            PodHarness.Run("systemctl", "reset-failed", unit);
        }
    }

    /// <summary>A tiny package of "some other service": its pod definition plus the usual
    /// maintainer scripts (reload on install and removal, stop before removal).</summary>
    private string BuildExamplePackage()
    {
        string root = _built.Dir + "/example";
        Directory.CreateDirectory(root + "/DEBIAN");
        Directory.CreateDirectory(root + "/usr/lib/podunits/pods");
        File.WriteAllText(root + "/DEBIAN/control", """
            Package: podunits-example-hello
            Version: 1.0
            Architecture: all
            Maintainer: PodUnits tests <tests@example.invalid>
            Depends: podunits
            Description: Example service shipped as a PodUnits pod

            """);
        WriteScript(root + "/DEBIAN/postinst", "systemctl daemon-reload");
        WriteScript(root + "/DEBIAN/prerm", "systemctl stop pod@pkg-hello.service || true");
        WriteScript(root + "/DEBIAN/postrm", "systemctl daemon-reload");
        File.WriteAllText(root + "/usr/lib/podunits/pods/pkg-hello.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: pkg-hello
              annotations:
                podunits.io/autostart: "true"
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: main
                  image: busybox
                  imagePullPolicy: IfNotPresent
                  command: ["sh", "-c", "echo hello from a package; exec sleep 1000"]
            """);
        string deb = _built.Dir + "/podunits-example-hello_1.0_all.deb";
        Must(PodHarness.Run("dpkg-deb", "--root-owner-group", "--build", root, deb));
        return deb;
    }

    private static void WriteScript(string path, string command)
    {
        File.WriteAllText(path, $"#!/bin/sh\nset -e\n{command}\n");
        File.SetUnixFileMode(path, (UnixFileMode)0x1ed);
    }
}

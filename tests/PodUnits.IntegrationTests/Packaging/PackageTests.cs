using PodUnits.IntegrationTests.Runtime;
using PodUnits.UnitTests;

namespace PodUnits.IntegrationTests.Packaging;

/// <summary>
/// The packages, built by packaging/build-packages.sh from the binaries under test: the RPM
/// holds exactly the install layout; and the example vendor package (examples/vendor-package),
/// whose pod PodUnits' dpkg trigger and RPM file triggers start on install, restart on
/// upgrade and stop on removal, with presets deciding autostart (docs/packaging.md). In the
/// host-wide collection: `podunits refresh` acts on every pod of the host.
/// </summary>
[Collection(HostWideSettings.Name)]
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

        public string ExampleV1 => Dir + "/v1";
        public string ExampleV2 => Dir + "/v2";

        public Built()
        {
            Must(PodHarness.Run(RepoRoot.Path + "/packaging/build-packages.sh", "--no-build", Dir));
            Must(PodHarness.Run(RepoRoot.Path + "/packaging/install.sh", "--no-build", "--destdir", Staging));
            // The example vendor package, twice: 2.0 changes its definition (an env value) and its page.
            string image = Dir + "/greeter-image.tar";
            Must(PodHarness.Run(RepoRoot.Path + "/packaging/busybox-image.sh", "--archive", image));
            string build = RepoRoot.Path + "/examples/vendor-package/build.sh";
            Must(PodHarness.Run(build, "--version", "1.0", image, ExampleV1));
            Must(PodHarness.Run(build, "--version", "2.0", "--greeting", "Hello again", image, ExampleV2));
        }

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    internal static string Must((int Code, string Output) run)
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
        // (/usr/share/doc/podunits too: generator review of 2026-12-06, finding 10, `rpm -e` left it.)
        foreach (string dir in staged.Where(p => Directory.Exists(_built.Staging + p) && p.Contains("podunits", StringComparison.Ordinal)))
        {
            Assert.Contains(dir, rpm);
        }
        // ...and the RPM holds nothing the install script does not.
        Assert.All(rpm, path => Assert.True(Path.Exists(_built.Staging + path), $"{path} is in the RPM only"));
        Assert.Contains("/usr/lib/systemd/system/pod@.service", rpm);
        Assert.Contains("/usr/share/man/man1/podunits.1", rpm);
        Assert.Contains("/usr/libexec/podunits/podunits-stage1", rpm);
    }

    /// <summary>Packaging review of 2026-12-07, finding 2: machined (systemd-container) was a
    /// Recommends, which --no-install-recommends and install_weak_deps=False skip, and
    /// without it every pod fails to register and stops.</summary>
    [Fact]
    public void ThePackagesDependOnMachined()
    {
        string depends = Must(PodHarness.Run("dpkg-deb", "-f", _built.Deb, "Depends"));
        Assert.Contains("systemd-container", depends.Split(',', StringSplitOptions.TrimEntries));
        Assert.Contains("default-dbus-system-bus | dbus-system-bus", depends.Split(',', StringSplitOptions.TrimEntries));
        Assert.DoesNotContain("systemd-container", Must(PodHarness.Run("dpkg-deb", "-f", _built.Deb, "Recommends")), StringComparison.Ordinal);
        string[] requires = Must(PodHarness.Run("rpm", "-qp", "--requires", _built.Rpm)).Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("systemd-container", requires);
        Assert.DoesNotContain("systemd-container", Must(PodHarness.Run("rpm", "-qp", "--recommends", _built.Rpm)), StringComparison.Ordinal);
    }

    private const string Unit = "pod@greeter.service";

    /// <summary>Where the journal ends now: the tests share the unit name, and each reads only its own entries.</summary>
    private readonly string _cursor = Must(PodHarness.Run("journalctl", "-n", "1", "-o", "cat", "--show-cursor", "--no-pager"))
        .Split('\n').Single(l => l.StartsWith("-- cursor: ", StringComparison.Ordinal))["-- cursor: ".Length..].Trim();

    private string Journal() => PodHarness.Run("journalctl", "-u", Unit, "-o", "cat", "--no-pager", "--after-cursor", _cursor).Output;

    private static string MainPid() => Must(PodHarness.Run("systemctl", "show", "-p", "MainPID", "--value", Unit)).Trim();

    private static string Active() => PodHarness.Run("systemctl", "is-active", Unit).Output.Trim();

    private static string[] WantedAtBoot() => PodHarness.Run("systemctl", "show", "-p", "Wants", "--value", "multi-user.target").Output.Split(' ', '\n');

    private string Deb(string dir) => Directory.GetFiles(dir, "*.deb").Single();

    private string Rpm(string dir) => Directory.GetFiles(dir, "*.rpm").Single();

    private void InstallPodUnitsDeb() =>
        // The sandbox's /etc/podunits/registries.yaml is install.sh's: keep it, as apt does
        // for an edited conffile, instead of letting dpkg ask on a terminal nobody reads.
        Must(PodHarness.Run("dpkg", "--force-confdef", "--force-confold", "-i", _built.Deb));

    private static void Forget()
    {
        PodHarness.Run("dpkg", "-P", "podunits-example-greeter");
        PodHarness.Run("rpm", "-e", "--nodeps", "podunits-example-greeter");
        PodHarness.Run("systemctl", "stop", Unit);
        PodHarness.Run("systemctl", "disable", Unit);
        PodHarness.Run("systemctl", "reset-failed", Unit);
        if (File.Exists(PresetFile))
        {
            File.Delete(PresetFile); // its directory exists only once a test made it
        }
        PodHarness.Run("systemctl", "daemon-reload");
    }

    private const string PresetFile = "/etc/systemd/system-preset/50-podunits-test.preset";

    [Fact]
    public void AVendorPodStartsOnInstallRestartsOnUpgradeAndStopsOnRemovalByTheDpkgTrigger()
    {
        try
        {
            // The package has no maintainer script for its pod (its postinst imports the image).
            // Installed in one run with PodUnits, as `apt install` of the vendor's package
            // does: PodUnits' refresh waits for the vendor's postinst (generator review of
            // 2026-12-06, finding 2: it ran at PodUnits' configure, before the image was there).
            string install = Must(PodHarness.Run("dpkg", "--force-confdef", "--force-confold", "-i", _built.Deb, Deb(_built.ExampleV1)));
            Assert.Contains("Processing triggers for podunits", install, StringComparison.Ordinal);
            Assert.Contains($"{Unit}: started", install, StringComparison.Ordinal);
            // The trigger waited for the start job: the pod is up when dpkg returns.
            Assert.Equal("active", Active());
            Assert.Contains(Unit, WantedAtBoot()); // the trigger's daemon-reload ran the generator
            Assert.Equal("enabled-runtime", PodHarness.Run("systemctl", "is-enabled", Unit).Output.Trim());
            Assert.True(PodHarness.WaitFor(() => Journal().Contains("greeter 1.0: Hello from a package", StringComparison.Ordinal)), Journal());
            Assert.Equal("Hello from a package", Network.NetworkProbe.FetchOnceListening("http://127.0.0.1:8480/"));

            // An upgrade that changes the definition restarts the pod with it.
            string before = MainPid();
            Assert.Contains($"{Unit}: restarted", Must(PodHarness.Run("dpkg", "-i", Deb(_built.ExampleV2))), StringComparison.Ordinal);
            Assert.Equal("active", Active());
            Assert.NotEqual(before, MainPid());
            Assert.True(PodHarness.WaitFor(() => Journal().Contains("greeter 2.0: Hello again", StringComparison.Ordinal)), Journal());

            // An administrator's override that does not load: refresh says so, fails, and the
            // pod goes on running the definition it started with.
            string beforeBroken = MainPid();
            // Its unit's settings too: the reload left it bare (Restart=no, the template's stop
            // timeout) until the generator kept the running pod's (upgrade review of
            // 2026-12-07, finding 1).
            string UnitSettings() => Must(PodHarness.Run("systemctl", "show", "-p", "Restart,TimeoutStopUSec,LogExtraFields", Unit));
            string settings = UnitSettings();
            File.WriteAllText("/etc/podunits/pods/greeter.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n");
            try
            {
                var broken = PodHarness.Run("podunits", "refresh");
                Assert.Equal(1, broken.Code);
                Assert.Contains($"{Unit}: restart failed: the definition is invalid, so the pod keeps running the one it started with: /etc/podunits/pods/greeter.yaml:",
                    broken.Output, StringComparison.Ordinal);
                Assert.Equal("active", Active());
                Assert.Equal(beforeBroken, MainPid());
                Assert.Equal(settings, UnitSettings());
            }
            finally
            {
                File.Delete("/etc/podunits/pods/greeter.yaml");
            }
            Assert.Contains("nothing to do", Must(PodHarness.Run("podunits", "refresh")), StringComparison.Ordinal);

            // Reinstalling the same version rewrites the ConfigMap's file but not the
            // definition: a reload (volumes), no restart.
            string upgraded = MainPid();
            string again = Must(PodHarness.Run("dpkg", "-i", Deb(_built.ExampleV2)));
            Assert.DoesNotContain("restarted", again, StringComparison.Ordinal);
            Assert.Equal(upgraded, MainPid());

            // A pod someone stopped stays stopped when another package triggers a refresh.
            Must(PodHarness.Run("systemctl", "stop", Unit));
            Assert.DoesNotContain(Unit, Must(PodHarness.Run("podunits", "refresh")), StringComparison.Ordinal);
            Assert.Equal("inactive", Active());
            Must(PodHarness.Run("systemctl", "start", Unit));

            // So does a pod added by hand since the last refresh, run and stopped (tour G: the
            // next trigger started it, as if a package had just installed it).
            const string byHand = "pkg-byhand";
            File.WriteAllText($"/etc/podunits/pods/{byHand}.yaml",
                PodHarness.BusyboxPod(byHand, PodHarness.Idle).Replace("metadata:\n", "metadata:\n  annotations: {podunits.io/autostart: \"true\"}\n", StringComparison.Ordinal));
            try
            {
                Must(PodHarness.Run("systemctl", "daemon-reload"));
                Must(PodHarness.Run("systemctl", "start", $"pod@{byHand}.service"));
                Must(PodHarness.Run("systemctl", "stop", $"pod@{byHand}.service"));
                Assert.DoesNotContain(byHand, Must(PodHarness.Run("podunits", "refresh")), StringComparison.Ordinal);
                Assert.NotEqual("active", PodHarness.Run("systemctl", "is-active", $"pod@{byHand}.service").Output.Trim());
            }
            finally
            {
                PodHarness.Run("systemctl", "stop", $"pod@{byHand}.service");
                File.Delete($"/etc/podunits/pods/{byHand}.yaml");
                PodHarness.Run("systemctl", "daemon-reload");
            }

            // Removal stops it and takes it out of the generator's output and of boot.
            Assert.Contains($"{Unit}: stopped (its definition was removed)", Must(PodHarness.Run("dpkg", "-r", "podunits-example-greeter")), StringComparison.Ordinal);
            Assert.Equal("inactive", Active());
            Assert.DoesNotContain(Unit, WantedAtBoot());
            Assert.False(Directory.Exists($"/run/systemd/generator/{Unit}.d"));
            Assert.DoesNotContain("greeter", Must(PodHarness.Run("podunits", "list")), StringComparison.Ordinal);
            // Purge takes the image the package imported.
            Assert.Contains("localhost/greeter:1.0", Must(PodHarness.Run("podunits", "image", "list")), StringComparison.Ordinal);
            Must(PodHarness.Run("dpkg", "-P", "podunits-example-greeter"));
            Assert.DoesNotContain("localhost/greeter:1.0", Must(PodHarness.Run("podunits", "image", "list")), StringComparison.Ordinal);

            // Packaging review of 2026-12-07, finding 2: a one-step purge (apt purge) runs
            // postrm purge before PodUnits' trigger, with the pod still running, and the
            // store kept the image it refused to remove.
            Must(PodHarness.Run("dpkg", "-i", Deb(_built.ExampleV1)));
            Assert.Equal("active", Active());
            Must(PodHarness.Run("dpkg", "-P", "podunits-example-greeter"));
            Assert.Equal("inactive", Active());
            Assert.DoesNotContain("localhost/greeter:1.0", Must(PodHarness.Run("podunits", "image", "list")), StringComparison.Ordinal);
        }
        finally
        {
            Forget();
        }
    }

    /// <summary>Packaging review of 2026-12-07, finding 1: where policy-rc.d forbids starting
    /// services (a container image's "exit 101"), debhelper's scripts start none, and the
    /// trigger's refresh started the package's pods all the same.</summary>
    [Fact]
    public void APolicyThatForbidsStartingServicesKeepsTheTriggerFromRefreshing()
    {
        InstallPodUnitsDeb();
        const string policy = "/usr/sbin/policy-rc.d";
        File.WriteAllText(policy, "#!/bin/sh\nexit 101\n");
        File.SetUnixFileMode(policy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            // Packaging review of 2026-12-07, finding 5: the policy kept systemd from
            // reloading too, so a new pod@.service and the generator's new drop-ins waited for
            // someone's daemon-reload. (Not GeneratorsFinishTimestamp: systemd 252 sets it at
            // its start only, not at a reload.)
            Assert.False(Directory.Exists($"/run/systemd/generator/{Unit}.d"), "a drop-in for the pod before its package");
            string install = Must(PodHarness.Run("dpkg", "-i", Deb(_built.ExampleV1)));
            Assert.Contains("podunits: policy-rc.d forbids starting services: pods were not refreshed", install, StringComparison.Ordinal);
            Assert.Equal("inactive", Active());
            // The generator ran for the package's new definition: its drop-in is there.
            Assert.True(Directory.Exists($"/run/systemd/generator/{Unit}.d"), "no generator drop-in for the new pod");
        }
        finally
        {
            File.Delete(policy);
            Forget();
        }
    }

    [Fact]
    public void APresetDecidesAPackagedPodsAutostartAndSystemctlEnableOverridesIt()
    {
        InstallPodUnitsDeb();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(PresetFile)!);
            File.WriteAllText(PresetFile, "# the distribution's policy for this pod\ndisable pod@greeter.service\n");
            Assert.DoesNotContain(Unit, Must(PodHarness.Run("dpkg", "-i", Deb(_built.ExampleV1))), StringComparison.Ordinal);
            Assert.Equal("inactive", Active()); // the preset wins over podunits.io/autostart: "true"
            Assert.DoesNotContain(Unit, WantedAtBoot());
            Assert.Contains("Autostart: no", Must(PodHarness.Run("podunits", "status", "greeter")), StringComparison.Ordinal);

            // The administrator's `systemctl enable` wins over the preset, and is a link in
            // /etc that outlives reboots; multi-user.target (what boot reaches) starts it.
            Must(PodHarness.Run("systemctl", "enable", Unit));
            // (/lib on Debian's merged /usr, where systemd names its unit directory so.)
            Assert.EndsWith("/lib/systemd/system/pod@.service", new FileInfo($"/etc/systemd/system/multi-user.target.wants/{Unit}").LinkTarget, StringComparison.Ordinal);
            Must(PodHarness.Run("systemctl", "daemon-reload"));
            Assert.Equal("enabled", PodHarness.Run("systemctl", "is-enabled", Unit).Output.Trim());
            Assert.Contains(Unit, WantedAtBoot());
            Must(PodHarness.Run("systemctl", "start", "multi-user.target"));
            Assert.True(PodHarness.WaitFor(() => Active() == "active"), PodHarness.Run("systemctl", "status", Unit, "--no-pager").Output);

            // Removal stops it and removes the administrator's link, as %systemd_preun does.
            Must(PodHarness.Run("dpkg", "-r", "podunits-example-greeter"));
            Assert.Equal("inactive", Active());
            Assert.False(Path.Exists($"/etc/systemd/system/multi-user.target.wants/{Unit}"));

            // The first matching rule wins: an instance list ahead of a catch-all "disable *".
            File.WriteAllText(PresetFile, "enable pod@.service greeter\ndisable *\n");
            Must(PodHarness.Run("dpkg", "-i", Deb(_built.ExampleV1)));
            Assert.Equal("active", Active());
        }
        finally
        {
            Forget();
        }
    }

    /// <summary>Secrets' directories and the state directory are root's only in both
    /// packages, as install.sh and rpm.spec say (packaging review of 2026-12-05: the tests
    /// read paths, never modes, so a 0755 would have passed).</summary>
    [Fact]
    public void SecretsAndStateDirectoriesAreRootsOnlyInBothPackages()
    {
        string deb = Must(PodHarness.Run("dpkg-deb", "-c", _built.Deb));
        string rpm = Must(PodHarness.Run("rpm", "-qlvp", _built.Rpm));
        foreach (string dir in (string[])["/etc/podunits/secrets", "/usr/lib/podunits/secrets", "/var/lib/podunits", "/var/lib/podunits/pods", "/var/cache/podunits"])
        {
            Assert.StartsWith("drwx------ root/root", deb.Split('\n').Single(l => l.EndsWith($" .{dir}/", StringComparison.Ordinal)), StringComparison.Ordinal);
            Assert.Matches(@"^drwx------\s+\d+\s+root\s+root\s", rpm.Split('\n').Single(l => l.EndsWith($" {dir}", StringComparison.Ordinal)));
        }
        // Packaging review of 2026-12-07, finding 6: tmpfiles made these, and no package
        // owned them (the .deb has no /run: tmpfiles makes it at boot).
        foreach (string dir in (string[])["/run/podunits/state", "/run/podunits/secrets"])
        {
            Assert.Matches(@"^drwx------\s+\d+\s+root\s+root\s", rpm.Split('\n').Single(l => l.EndsWith($" {dir}", StringComparison.Ordinal)));
        }
    }

    /// <summary>Generator review of 2026-12-06, finding 10: `apt purge` left the seccomp cache
    /// and the links `systemctl enable pod@NAME` made to a template no longer installed (the
    /// auto-update timer's too, when the removal ran without systemd). The real postrm runs,
    /// in a mount namespace of its own whose /etc/systemd/system, /var/cache and
    /// /var/lib/podunits are empty tmpfs (and no /run/systemd/system: no reload of the
    /// sandbox's systemd): the cache and those links go; a link to an administrator's own unit
    /// (a pod@NAME.socket is never the package's) and the pods' data stay.</summary>
    [Fact]
    public void PurgingTheDebRemovesTheSeccompCacheAndThePodsEnableLinksButKeepsTheirData()
    {
        string control = Path.Join(_built.Dir, $"deb-control-{Guid.NewGuid():N}");
        Must(PodHarness.Run("dpkg-deb", "--control", _built.Deb, control));
        const string wants = "/etc/systemd/system/multi-user.target.wants";
        string script = $"""
            set -e
            mount -t tmpfs none /run/systemd
            mount -t tmpfs none /etc/systemd/system
            mount -t tmpfs none /var/cache
            mkdir -p /var/lib/podunits && mount -t tmpfs none /var/lib/podunits
            mkdir -p /var/cache/podunits/seccomp {wants} /etc/systemd/system/sockets.target.wants /etc/systemd/system/timers.target.wants /var/lib/podunits/volumes/data
            touch /var/cache/podunits/seccomp/0.bpf /var/lib/podunits/volumes/data/kept
            ln -s /usr/lib/systemd/system/pod@.service {wants}/pod@web.service
            ln -s /usr/lib/systemd/system/other.service {wants}/other.service
            ln -s /etc/systemd/system/pod@web.socket /etc/systemd/system/sockets.target.wants/pod@web.socket
            ln -s /usr/lib/systemd/system/podunits-auto-update.timer /etc/systemd/system/timers.target.wants/podunits-auto-update.timer
            sh {control}/postrm purge
            echo "cache: $(ls -A /var/cache)"
            echo "links: $(ls -A {wants} /etc/systemd/system/sockets.target.wants /etc/systemd/system/timers.target.wants | tr '\n' ' ')"
            echo "data: $(ls -A /var/lib/podunits/volumes/data)"
            """;
        string output = Must(PodHarness.Run("unshare", "--mount", "--propagation", "private", "sh", "-c", script));
        Assert.Contains("cache: \n", output, StringComparison.Ordinal);
        Assert.Contains("other.service", output, StringComparison.Ordinal);
        Assert.Contains("pod@web.socket", output, StringComparison.Ordinal);
        Assert.DoesNotContain("pod@web.service", output, StringComparison.Ordinal);
        Assert.DoesNotContain("podunits-auto-update.timer", output, StringComparison.Ordinal);
        Assert.Contains("data: kept", output, StringComparison.Ordinal);
    }

    /// <summary>Packaging review of 2026-12-05: removal stopped only pod@*.service, so a
    /// socket-activated pod's socket went on listening (a connection started the pod again,
    /// on deleted binaries) and the auto-update timer went on firing. Both packages stop the
    /// timer and the sockets before the pods. (Run for real, the scripts would stop every
    /// pod of the sandbox, other tests' too: they are read here.)</summary>
    [Fact]
    public void RemovalStopsTheAutoUpdateTimerAndThePodsSocketsBeforeThePods()
    {
        string control = Path.Join(_built.Dir, $"deb-control-{Guid.NewGuid():N}");
        Must(PodHarness.Run("dpkg-deb", "--control", _built.Deb, control));
        string prerm = File.ReadAllText(Path.Join(control, "prerm"));
        string scripts = Must(PodHarness.Run("rpm", "-qp", "--scripts", _built.Rpm));
        string preun = scripts[scripts.IndexOf("preuninstall scriptlet", StringComparison.Ordinal)..];
        // Packaging review of 2026-12-07, finding 6: the .deb stops the timer but keeps it
        // enabled, as a removal keeps the pods' enablement (postrm purge drops the link);
        // RPM's %preun disables it, as %systemd_preun does.
        Assert.DoesNotContain("disable podunits-auto-update.timer", prerm, StringComparison.Ordinal);
        Assert.Contains("systemctl --no-reload disable podunits-auto-update.timer", preun, StringComparison.Ordinal);
        foreach (string script in (string[])[prerm, preun])
        {
            int timer = script.IndexOf("systemctl stop podunits-auto-update.timer podunits-auto-update.service", StringComparison.Ordinal);
            int sockets = script.IndexOf("systemctl stop 'pod@*.socket'", StringComparison.Ordinal);
            int pods = script.IndexOf("systemctl stop 'pod@*.service' >", StringComparison.Ordinal);
            Assert.True(timer >= 0 && timer < sockets && sockets < pods, script);
            // Then only ad-hoc pods' scopes: a glob stopped every container's scope beside its
            // pod (systemd review of 2026-12-07, finding 1).
            Assert.True(script.IndexOf("systemctl stop $adhoc", StringComparison.Ordinal) > pods, script);
            Assert.DoesNotContain("systemctl stop 'pod@*.service' 'podunits-*.scope'", script, StringComparison.Ordinal);
            // Generator review of 2026-12-06, finding 6: the record survived, and a reinstall
            // took the pods this removal stopped for pods stopped on purpose.
            Assert.True(script.IndexOf("rm -f /var/lib/podunits/refresh.json", StringComparison.Ordinal) > pods, script);
        }
    }

    [Fact]
    public void TheRpmMacrosExpandAndTheScriptletsAndFileTriggersAreThere()
    {
        // The macros file the podunits package installs (install.sh put it in this sandbox).
        Assert.Contains("/usr/bin/podunits refresh greeter", Must(PodHarness.Run("rpm", "--eval", "%podunits_post greeter")), StringComparison.Ordinal);
        string preun = Must(PodHarness.Run("rpm", "--eval", "%podunits_preun greeter web"));
        // The socket first, each on its own: one unit that does not exist fails the whole command.
        Assert.True(preun.IndexOf("disable --now \"pod@$pod.socket\"", StringComparison.Ordinal) is int socket and >= 0
            && socket < preun.IndexOf("systemctl --no-reload disable --now \"pod@$pod.service\"", StringComparison.Ordinal), preun);
        Assert.Contains("for pod in greeter web;", Must(PodHarness.Run("rpm", "--eval", "%podunits_preun greeter web")), StringComparison.Ordinal);
        string postun = Must(PodHarness.Run("rpm", "--eval", "%podunits_postun greeter"));
        Assert.Contains("[ $1 -ge 1 ]", postun, StringComparison.Ordinal);
        Assert.Contains("/usr/bin/podunits refresh greeter", postun, StringComparison.Ordinal);

        // The example's spec built with them: its scriptlets hold the expansions.
        string scripts = Must(PodHarness.Run("rpm", "-qp", "--scripts", Rpm(_built.ExampleV1)));
        Assert.Contains("podunits image import /usr/share/podunits-example-greeter/greeter-image.tar", scripts, StringComparison.Ordinal);
        Assert.Contains("/usr/bin/podunits refresh greeter", scripts, StringComparison.Ordinal);
        Assert.Contains("disable --now", scripts, StringComparison.Ordinal);

        // PodUnits' own RPM: file triggers on every directory a package may put pods, ConfigMaps, Secrets and networks in.
        string triggers = Must(PodHarness.Run("rpm", "-qp", "--filetriggers", _built.Rpm));
        foreach (string kind in (string[])["transfiletriggerin", "transfiletriggerpostun"])
        {
            string line = triggers.Split('\n').Single(l => l.StartsWith(kind, StringComparison.Ordinal));
            foreach (string dir in (string[])["pods", "configmaps", "secrets", "net.d"])
            {
                Assert.Contains($"/usr/lib/podunits/{dir}", line, StringComparison.Ordinal);
                Assert.Contains($"/etc/podunits/{dir}", line, StringComparison.Ordinal);
            }
        }
        Assert.Contains("/usr/bin/podunits refresh", triggers, StringComparison.Ordinal);
        Assert.Contains("/usr/lib/rpm/macros.d/macros.podunits", Must(PodHarness.Run("rpm", "-qlp", _built.Rpm)), StringComparison.Ordinal);
    }

    [Fact]
    public void RealRpmTransactionsStartUpgradeAndStopAVendorPod()
    {
        // Debian's rpm keeps a database of its own: the podunits RPM goes over the files the
        // sandbox has (the same ones), so its file triggers are registered with rpm.
        Must(PodHarness.Run("rpm", "-i", "--nodeps", "--force-debian", "--replacefiles", "--replacepkgs", _built.Rpm));
        try
        {
            // %post imports the image and runs %podunits_post; then the file trigger runs.
            Must(PodHarness.Run("rpm", "-i", "--nodeps", "--force-debian", Rpm(_built.ExampleV1)));
            Assert.Equal("active", Active());
            Assert.True(PodHarness.WaitFor(() => Journal().Contains("greeter 1.0: Hello from a package", StringComparison.Ordinal)), Journal());
            // The trigger after %podunits_post found the pod already started with the new
            // ConfigMap: no reload on top.
            Assert.DoesNotContain("Reloading", Journal(), StringComparison.Ordinal);

            string before = MainPid();
            Must(PodHarness.Run("rpm", "-U", "--nodeps", "--force-debian", Rpm(_built.ExampleV2)));
            Assert.Equal("active", Active());
            Assert.NotEqual(before, MainPid());
            Assert.True(PodHarness.WaitFor(() => Journal().Contains("greeter 2.0: Hello again", StringComparison.Ordinal)), Journal());

            Must(PodHarness.Run("rpm", "-e", "--nodeps", "podunits-example-greeter"));
            Assert.Equal("inactive", Active());
            Assert.DoesNotContain(Unit, WantedAtBoot());
        }
        finally
        {
            Forget();
            PodHarness.Run("rpm", "-e", "--nodeps", "--noscripts", "--notriggers", "--justdb", "podunits");
        }
    }
}

using PodUnits.Definitions;
using PodUnits.Definitions.Host;
using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>A generator pass over many files: definitions load in parallel, yet reports come
/// in search-path order and every good file still gets its drop-in; a second pass into the
/// same directory (what `podunits generate --dir` may do) replaces, not fails.</summary>
public sealed class GeneratorRunTests : IDisposable
{
    private readonly string _pods = Directory.CreateTempSubdirectory("podunits-gen-pods-").FullName;
    private readonly string _output = Directory.CreateTempSubdirectory("podunits-gen-out-").FullName;

    public void Dispose()
    {
        Directory.Delete(_pods, recursive: true);
        Directory.Delete(_output, recursive: true);
    }

    [Fact]
    public void ManyFilesReportInOrderAndGoodOnesAllGenerate()
    {
        const int count = 200;
        for (int i = 0; i < count; i++)
        {
            // Every seventh file is broken: an unknown restart policy at line 6, column 18.
            string policy = i % 7 == 3 ? "Sometimes" : "Always";
            File.WriteAllText(Path.Combine(_pods, $"p{i:D3}.yaml"), $"""
                apiVersion: v1
                kind: Pod
                metadata:
                  annotations: {"{"}podunits.io/autostart: "true"{"}"}
                spec:
                  restartPolicy: {policy}
                  containers:
                  - {"{"}name: c, image: busybox:1.36{"}"}

                """);
        }
        string firstPass = RunOnce(out int status);
        Assert.Equal(1, status);
        int[] broken = [.. Enumerable.Range(0, count).Where(i => i % 7 == 3)];
        string[] reported = [.. firstPass.Split('\n').Where(l => l.Contains("not generated", StringComparison.Ordinal))];
        Assert.Equal(broken.Select(i => $"p{i:D3}.yaml"), reported.Select(l => Path.GetFileName(l.Split(':')[1].Trim())));
        foreach (int i in Enumerable.Range(0, count))
        {
            string dropIn = Path.Combine(_output, $"pod@p{i:D3}.service.d", DropInRenderer.FileName);
            string wants = Path.Combine(_output, "multi-user.target.wants", $"pod@p{i:D3}.service");
            Assert.Equal(!broken.Contains(i), File.Exists(dropIn));
            Assert.Equal(broken.Contains(i) ? null : GeneratorOutput.TemplateUnitPath, new FileInfo(wants).LinkTarget);
        }

        Assert.Equal(firstPass, RunOnce(out int again));
        Assert.Equal(1, again);
    }

    [Fact]
    public void APodWhoseConfigMapOrSecretIsNotThereYetKeepsItsSettingsAndAutostart()
    {
        // A Secret a boot service writes into /run/podunits/secrets is never there when the
        // generator runs: the pod must still start at boot (and fail there until it is).
        File.WriteAllText(Path.Combine(_pods, "app.yaml"), """
            apiVersion: v1
            kind: Pod
            metadata:
              annotations: {podunits.io/autostart: "true"}
            spec:
              restartPolicy: Always
              containers:
              - name: c
                image: busybox:1.36
                envFrom: [{secretRef: {name: db}}]
                env: [{name: MODE, valueFrom: {configMapKeyRef: {name: settings, key: mode}}}]
                volumeMounts: [{name: tls, mountPath: /tls}]
              volumes:
              - {name: tls, secret: {secretName: tls}}
            """);
        string roots = Directory.CreateTempSubdirectory("podunits-gen-objects-").FullName;
        try
        {
            string said = RunKeepingApp(roots);
            foreach (string missing in new[] { "Secret \"db\"", "ConfigMap \"settings\"", "Secret \"tls\"" })
            {
                Assert.Contains(said.Split('\n'), l => l.Contains(missing, StringComparison.Ordinal) && l.Contains("a start fails on this while it is missing", StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(roots, recursive: true);
        }
    }

    /// <summary>Config review of 2026-12-06, finding 1: a ConfigMap file with an error (an
    /// administrator's typo) dropped the pods that use it from the generated units, their
    /// autostart and settings with them, where a missing file did not.</summary>
    [Fact]
    public void APodWhoseConfigMapFileIsBrokenKeepsItsSettingsAndAutostart()
    {
        File.WriteAllText(Path.Combine(_pods, "app.yaml"), """
            apiVersion: v1
            kind: Pod
            metadata:
              annotations: {podunits.io/autostart: "true"}
            spec:
              containers:
              - name: c
                image: busybox:1.36
                envFrom: [{configMapRef: {name: settings}}]
            """);
        string roots = Directory.CreateTempSubdirectory("podunits-gen-objects-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(roots, "configmaps"));
            File.WriteAllText(Path.Combine(roots, "configmaps", "settings.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: [x]\n");
            string said = RunKeepingApp(roots);
            Assert.Contains("settings.yaml:4:", said, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(roots, recursive: true);
        }
    }

    /// <summary>Definitions review of 2026-12-07, finding 3: a typo in podunits.yaml made
    /// every pod invalid for the generator, so no pod got its drop-in or started at boot. The
    /// units are kept (each start fails on the file), and the error is said once, not per pod.</summary>
    [Fact]
    public void ABrokenHostSettingsFileCostsNoPodItsUnits()
    {
        WriteAutostartPods("app", "web");
        HostSettings settings = HostSettings.Parse("pidLimit: 4096\n", "/etc/podunits/podunits.yaml");
        Assert.Contains(settings.Diagnostics, d => d.IsError);
        var stderr = new StringWriter();
        int status;
        using (GeneratorLog log = GeneratorLog.ForWriter(stderr))
        {
            status = PodGenerator.Run(new PodDefinitionSearchPath([_pods]), _output, log, null, hostSettings: settings);
        }
        string said = stderr.ToString();
        Assert.Equal(1, status);
        string settingsError = Assert.Single(said.Split('\n'), l => l.Contains("podunits.yaml:", StringComparison.Ordinal));
        Assert.EndsWith("/etc/podunits/podunits.yaml:1:1: error: unknown field \"pidLimit\" in the top level; did you mean \"pidsLimit\"?" +
            "; every pod's units are generated all the same, and each start fails until it is fixed", settingsError.TrimEnd('\r'), StringComparison.Ordinal);
        AssertGenerated(said, "app", "web");
        Assert.DoesNotContain("not generated", said, StringComparison.Ordinal);
    }

    /// <summary>Generator review of 2026-12-06, finding 1: a pod whose files cannot be written
    /// (here a used --dir where a directory sits at its drop-in's name) is reported and
    /// skipped; the pods after it get their units and autostart as before, and nothing of it
    /// is left to pass for its units.</summary>
    [Fact]
    public void APodWhoseFilesCannotBeWrittenCostsNoOtherPodItsUnits()
    {
        WriteAutostartPods("a", "b", "c");
        Directory.CreateDirectory(Path.Combine(_output, "pod@b.service.d", DropInRenderer.FileName));
        string said = RunOnce(out int status);
        Assert.Equal(1, status);
        Assert.Matches(@"b\.yaml: .*; pod@b\.service not generated", said);
        AssertGenerated(said, "a", "c");
        Assert.Null(new FileInfo(Path.Combine(_output, "multi-user.target.wants", "pod@b.service")).LinkTarget);
    }

    /// <summary>Generator review of 2026-12-07, finding 6: an editor's lock file (Emacs'
    /// .#web.yaml, a dangling symlink) or a hidden copy in a pods directory was taken as a
    /// definition, and every daemon-reload meanwhile failed on it. Hidden entries are skipped,
    /// as systemd skips them in unit directories.</summary>
    [Fact]
    public void HiddenFilesAreNoDefinitions()
    {
        WriteAutostartPods("web");
        File.CreateSymbolicLink(Path.Combine(_pods, ".#web.yaml"), "root@host.1234:1765000000");
        File.Copy(Path.Combine(_pods, "web.yaml"), Path.Combine(_pods, ".web.yaml"));
        File.WriteAllText(Path.Combine(_pods, ".x.yml"), "not: [a pod");
        var searchPath = new PodDefinitionSearchPath([_pods]);

        Assert.Equal(["web"], searchPath.All().Select(d => d.Key));
        Assert.Null(searchPath.Find(".web"));
        string said = RunOnce(out int status);
        Assert.Equal(0, status);
        Assert.Equal("", said);
        AssertGenerated(said, "web");
        Assert.Equal(["pod@web.service.d"], Directory.EnumerateDirectories(_output).Select(Path.GetFileName).Where(d => d!.StartsWith("pod@", StringComparison.Ordinal)));
    }

    /// <summary>Generator review of 2026-12-07, finding 4: a pods directory that is a link to a
    /// file system not mounted yet (at boot, generators run before /srv) was skipped as
    /// absent, without a word. It is an error naming the link and its target; the other
    /// roots' pods are generated all the same.</summary>
    [Fact]
    public void ARootLinkedToNothingIsSaid()
    {
        WriteAutostartPods("web");
        string linked = _output + "-linked-pods";
        File.CreateSymbolicLink(linked, "/srv/podunits-not-mounted-yet/pods");
        try
        {
            var stderr = new StringWriter();
            int status;
            using (GeneratorLog log = GeneratorLog.ForWriter(stderr))
            {
                status = PodGenerator.Run(new PodDefinitionSearchPath([linked, _pods]), _output, log);
            }
            Assert.Equal(1, status);
            Assert.Contains($"{linked} is a link to /srv/podunits-not-mounted-yet/pods, which is not there: its pods get no units", stderr.ToString(), StringComparison.Ordinal);
            AssertGenerated(stderr.ToString(), "web");
        }
        finally
        {
            File.Delete(linked);
        }
    }

    /// <summary>A valid pod NAME.yaml with autostart for each of <paramref name="names"/>.</summary>
    private void WriteAutostartPods(params string[] names)
    {
        foreach (string name in names)
        {
            File.WriteAllText(Path.Combine(_pods, $"{name}.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata:
                  annotations: {podunits.io/autostart: "true"}
                spec:
                  containers:
                  - {name: c, image: busybox:1.36}

                """);
        }
    }

    /// <summary>Each of <paramref name="names"/> has its drop-in and its wants link.</summary>
    private void AssertGenerated(string said, params string[] names)
    {
        foreach (string name in names)
        {
            Assert.True(File.Exists(Path.Combine(_output, $"pod@{name}.service.d", DropInRenderer.FileName)), said);
            Assert.Equal(GeneratorOutput.TemplateUnitPath, new FileInfo(Path.Combine(_output, "multi-user.target.wants", $"pod@{name}.service")).LinkTarget);
        }
    }

    /// <summary>One generator pass with standalone objects in <paramref name="roots"/>, after
    /// which app.yaml has its drop-in and its wants link; what the generator said.</summary>
    private string RunKeepingApp(string roots)
    {
        var stderr = new StringWriter();
        int status;
        using (GeneratorLog log = GeneratorLog.ForWriter(stderr))
        {
            status = PodGenerator.Run(new PodDefinitionSearchPath([_pods]), _output, log, null, objectRoots: [roots]);
        }
        string said = stderr.ToString();
        Assert.Equal(0, status);
        Assert.True(File.Exists(Path.Combine(_output, "pod@app.service.d", DropInRenderer.FileName)), said);
        Assert.Equal(GeneratorOutput.TemplateUnitPath, new FileInfo(Path.Combine(_output, "multi-user.target.wants", "pod@app.service")).LinkTarget);
        Assert.DoesNotContain("not generated", said, StringComparison.Ordinal);
        return said;
    }

    private string RunOnce(out int status)
    {
        var stderr = new StringWriter();
        using (GeneratorLog log = GeneratorLog.ForWriter(stderr))
        {
            status = PodGenerator.Run(new PodDefinitionSearchPath([_pods]), _output, log);
        }
        return stderr.ToString();
    }
}

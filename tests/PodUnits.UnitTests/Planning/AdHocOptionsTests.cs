using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Planning.AdHoc;

namespace PodUnits.UnitTests.Planning;

/// <summary>`podunits run -i`'s options become one pod definition, checked before anything starts.</summary>
public sealed class AdHocOptionsTests
{
    /// <summary>CLI review of 2026-12-06, finding 3: with an archive image every option but
    /// the volumes and detach keys was checked after the archive was imported and its tag
    /// moved, and --pull never. Validate checks them first; an archive and a user name,
    /// known only after the import, pass.</summary>
    [Theory]
    [InlineData("--pull", "sometimes", null, null)]
    [InlineData("--memory", null, "1", null)]
    [InlineData("--name", null, null, "Web")]
    public void AnArchiveRunsOptionsAreCheckedBeforeItsImport(string option, string? pull, string? memory, string? name)
    {
        var options = new AdHocOptions { Image = "oci-archive:/nonexistent/app.tar:app:2", Pull = pull ?? "missing", Memory = memory, Name = name };
        var e = Assert.Throws<BadInputException>(() => options.Validate("pod-unused"));
        Assert.StartsWith(option, e.Message, StringComparison.Ordinal);
        new AdHocOptions { Image = "oci-archive:/nonexistent/app.tar", User = "nginx:www", Memory = "64Mi" }.Validate("pod-unused");
    }

    /// <summary>CLI review of 2026-12-07, finding 7: a check only the definition loader makes
    /// named a YAML file that does not exist ("(podunits run)/pod-1a2b3c4d.yaml:NN:CC"), a
    /// Kubernetes field path and 'podunits validate', never the option the value came from.</summary>
    [Fact]
    public void ALoadersCheckOfAnOptionNamesTheOption()
    {
        var volume = Assert.Throws<BadInputException>(() =>
            new AdHocOptions { Image = "busybox", Volumes = ["/tmp:/data", "/srv:/data"] }.Validate("pod-00000000"));
        Assert.Equal(("--volume", "--volume: \"/data\" is already mounted in this container"), (volume.What, volume.Message));
        var dns = Assert.Throws<BadInputException>(() =>
            new AdHocOptions { Image = "busybox", Dns = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"] }.Validate("pod-00000000"));
        Assert.Equal(("--dns", "--dns: at most 3 are allowed, found 4"), (dns.What, dns.Message));
        Assert.Equal(ExitCodes.BadInput, dns.ExitCode);
    }

    [Theory]
    [InlineData("spec.containers[0].volumeMounts[1].mountPath", "--volume")]
    [InlineData("spec.volumes[0].hostPath.path", "--volume")]
    [InlineData("spec.dnsConfig.nameservers", "--dns")]
    [InlineData("spec.containers[0].env[2].name", "--env")]
    [InlineData("spec.containers[0].ports[0].containerPort", "--port")]
    [InlineData("spec.containers[0].workingDir", "--workdir")]
    [InlineData("spec.containers[0].image", "the image")]
    [InlineData("spec.containers[0].args[1]", "the command")]
    [InlineData("spec.containers[0].command[0]", "--entrypoint")]
    [InlineData("spec.somethingElse", "podunits run")]
    public void EachFieldOfAnAdHocPodIsSaidAsItsOption(string field, string option) => Assert.Equal(option, AdHocOptions.OptionOf(field));

    [Fact]
    public void EveryOptionLandsWhereADefinitionWouldPutIt()
    {
        PodDefinition pod = new AdHocOptions
        {
            Image = "docker://busybox", Command = ["sh", "-c", "echo $$ $(HOME)"], Name = "try", Hostname = "box",
            Env = ["A=1", "B=x=y", "A=2"], WorkingDir = "/srv", User = "1000:100", Pull = "always", Memory = "256Mi", Cpus = "1.5",
            Network = InteractiveNetwork.Parse("host", ["8080:8080/udp"]), Volumes = ["/srv/data:/data:ro", "/tmp:/scratch"], Dns = ["10.0.0.53", "fd00::53"],
        }.Definition("pod-unused");
        Assert.Equal("try", pod.Name);
        Assert.Equal("box", pod.EffectiveHostname);
        Assert.Equal(RestartPolicy.Never, pod.RestartPolicy);
        Assert.True(pod.HostNetwork);
        ContainerDefinition c = Assert.Single(pod.Containers);
        Assert.Equal("docker://busybox", c.Image);
        Assert.Null(c.Command); // the image's ENTRYPOINT stays
        Assert.Equal(["sh", "-c", "echo $$$$ $$(HOME)"], c.Args); // the definition's escapes: the shell sees "echo $$ $(HOME)"
        Assert.Equal([new EnvVar("A", "1"), new EnvVar("B", "x=y"), new EnvVar("A", "2")], c.Env);
        Assert.Equal("/srv", c.WorkingDir);
        Assert.Equal(1000, c.SecurityContext!.RunAsUser);
        Assert.Equal(100, c.SecurityContext.RunAsGroup);
        Assert.Equal(ImagePullPolicy.Always, c.ImagePullPolicy);
        Assert.Equal(256L * 1024 * 1024, c.Limits.MemoryBytes);
        Assert.Equal(1500, c.Limits.CpuMillis);
        Assert.Equal([new ContainerPort(8080, PortProtocol.UDP, null, 8080)], c.Ports);
        Assert.Equal(DnsPolicy.None, pod.DnsPolicy);
        Assert.Equal(["10.0.0.53", "fd00::53"], pod.DnsConfig!.Nameservers);
        Assert.Equal(["/srv/data", "/tmp"], pod.Volumes.Select(v => v.HostPath!.Path));
        Assert.Equal([("/data", true), ("/scratch", false)], c.VolumeMounts.Select(m => (m.MountPath, m.ReadOnly)));
    }

    [Fact]
    public void TheExportedYamlIsADefinitionWhateverTheValuesHold()
    {
        var options = new AdHocOptions
        {
            Image = "busybox", Command = ["sh", "-c", "echo \"a: b\"\n- c # d"], Env = ["X=}{'\"\n\\"], Network = InteractiveNetwork.Parse("web", ["127.0.0.1:8080:80"]),
        };
        string yaml = options.ToYaml("try");
        Assert.StartsWith("# An ad-hoc pod of `podunits run`, as a definition.", yaml, StringComparison.Ordinal);
        Assert.Contains("install it as /etc/podunits/pods/try.yaml, then: systemctl enable --now pod@try", yaml, StringComparison.Ordinal);
        // What `podunits export` prints is what an administrator installs: the file loads as it is.
        PodDefinition pod = PodDefinitionLoader.LoadText(yaml, "/etc/podunits/pods/try.yaml").GetPodOrThrow();
        ContainerDefinition c = Assert.Single(pod.Containers);
        Assert.Equal(["sh", "-c", "echo \"a: b\"\n- c # d"], c.Args);
        Assert.Equal("}{'\"\n\\", Assert.Single(c.Env).Value);
        Assert.Equal("web", pod.Network!.Name);
        Assert.Equal(new ContainerPort(80, PortProtocol.TCP, null, 8080, "127.0.0.1"), Assert.Single(c.Ports));
    }

    [Fact]
    public void AnUnknownNetworkIsNamedAsTheNetOptionNotAsALineOfTheGeneratedPod()
    {
        PodDefinition pod = new AdHocOptions { Image = "busybox", Network = InteractiveNetwork.Parse("nosuch", []) }.Definition("pod-00000000");
        var e = Assert.Throws<BadInputException>(() => PodUnits.Planning.Network.NetworkPlanner.Plan(pod, "0123456789abcdef0123456789abcdef",
            [], PodUnits.Runtime.Network.Cni.CniRuntime.Default));
        Assert.StartsWith("--net nosuch: no network configuration of that name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DnsNoneKeepsTheImagesResolvConfAndDnsHostIsTheDefault()
    {
        PodDefinition none = new AdHocOptions { Image = "busybox", Dns = ["none"], Network = InteractiveNetwork.Parse("lab", []) }.Definition("pod-00000000");
        Assert.True(none.ImageResolvConf);
        Assert.NotEqual(DnsPolicy.None, none.DnsPolicy);
        Assert.Equal("lab", none.Network!.Name); // both annotations
        PodDefinition host = new AdHocOptions { Image = "busybox", Dns = ["host"] }.Definition("pod-00000000");
        Assert.False(host.ImageResolvConf);
        Assert.NotEqual(DnsPolicy.None, host.DnsPolicy);
        Assert.DoesNotContain("annotations", new AdHocOptions { Image = "busybox", Dns = ["host"] }.ToYaml("pod-00000000"), StringComparison.Ordinal);
        var e = Assert.Throws<BadInputException>(() => new AdHocOptions { Image = "busybox", Dns = ["none", "10.0.0.53"] }.Definition("pod-00000000"));
        Assert.Equal("--dns: \"host\" and \"none\" cannot be combined with other --dns values", e.Message);
    }

    [Fact]
    public void WithoutOptionsItIsAGeneratedNameAndTheImagesOwnCommand()
    {
        string generated = AdHocOptions.GenerateName();
        Assert.Matches("^pod-[0-9a-f]{8}$", generated);
        PodDefinition pod = new AdHocOptions { Image = "busybox" }.Definition(generated);
        Assert.Equal(generated, pod.Name);
        Assert.Equal(generated, pod.EffectiveHostname);
        ContainerDefinition c = Assert.Single(pod.Containers);
        Assert.Null(c.Command);
        Assert.Null(c.Args);
        Assert.Equal(ImagePullPolicy.IfNotPresent, c.ImagePullPolicy); // podman's --pull=missing
        Assert.Null(c.SecurityContext);
        Assert.Equal(ResourceLimits.None, c.Limits);
        Assert.NotEqual(generated, AdHocOptions.GenerateName());
    }

    [Theory]
    [InlineData("--name", "Try")]
    [InlineData("--hostname", "a_b")]
    [InlineData("--workdir", "srv")]
    [InlineData("--user", "root")]
    [InlineData("--user", "1:2:3")]
    [InlineData("--pull", "sometimes")]
    [InlineData("--memory", "lots")]
    [InlineData("--memory", "1")] // below podman's 6Mi: OOM-killed at once
    [InlineData("--memory", "5Mi")]
    [InlineData("--cpus", "0")]
    [InlineData("--volume", "data:/data")]
    [InlineData("--volume", "/data:/data:rx")]
    [InlineData("--dns", "resolver.example")]
    public void ABadValueNamesItsOption(string option, string value)
    {
        AdHocOptions options = option switch
        {
            "--name" => new() { Image = "busybox", Name = value },
            "--hostname" => new() { Image = "busybox", Hostname = value },
            "--workdir" => new() { Image = "busybox", WorkingDir = value },
            "--user" => new() { Image = "busybox", User = value },
            "--pull" => new() { Image = "busybox", Pull = value },
            "--memory" => new() { Image = "busybox", Memory = value },
            "--volume" => new() { Image = "busybox", Volumes = [value] },
            "--dns" => new() { Image = "busybox", Dns = [value] },
            _ => new() { Image = "busybox", Cpus = value },
        };
        var e = Assert.Throws<BadInputException>(() => options.Definition("pod-00000000"));
        Assert.StartsWith(option + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(value.Length > 0 ? value : "\"\"", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Review of 2026-12-05: a bad --env entry was quoted back, and with it the value
    /// of `--env "PASSWORD s3cr3t"` (a space typed for '=') or of one holding a NUL.</summary>
    [Theory]
    [InlineData("PASSWORD s3cr3t", "--env: an entry is not NAME=VALUE or NAME (it is not shown: it may hold a value)")]
    [InlineData("=s3cr3t", "--env: an entry is not NAME=VALUE or NAME (it is not shown: it may hold a value)")]
    [InlineData("PASSWORD=s3cr3t\0", "--env: an entry for PASSWORD is not NAME=VALUE or NAME (it is not shown: it may hold a value)")]
    public void ABadEnvEntryIsRefusedWithoutQuotingIt(string entry, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => new AdHocOptions { Image = "busybox", Env = [entry] }.Definition("pod-00000000"));
        Assert.Equal(expected, e.Message);
    }

    /// <summary>Review of 2026-12-05: `run -i --keep --env-file prod.env` left every value in
    /// /var/lib/podunits/pods/NAME/adhoc.yaml until `podunits rm`. The kept copy has the
    /// names alone, and still loads as a definition.</summary>
    [Fact]
    public void TheKeptDefinitionHasNoEnvironmentValues()
    {
        var options = new AdHocOptions { Image = "busybox", Env = ["DB_PASSWORD=s3cr3t", "MODE=prod"] };
        string kept = options.ToYaml("pod-00000000", values: false);
        Assert.DoesNotContain("s3cr3t", kept, StringComparison.Ordinal);
        Assert.DoesNotContain("\"prod\"", kept, StringComparison.Ordinal);
        Assert.Contains("DB_PASSWORD", kept, StringComparison.Ordinal);
        var pod = PodUnits.Definitions.PodDefinitionLoader.LoadText(kept, "pod-00000000.yaml").GetPodOrThrow();
        Assert.Equal(["DB_PASSWORD", "MODE"], pod.Containers[0].Env.Select(e => e.Name));
        Assert.Contains("s3cr3t", options.ToYaml("pod-00000000"), StringComparison.Ordinal);
    }

    /// <summary>Review of the docs, 2026-12-07, finding 1: the words after the image were the
    /// container's command, which replaced the image's ENTRYPOINT; podman run and kubectl run
    /// keep it and replace CMD. --entrypoint is podman's way to replace it.</summary>
    [Fact]
    public void TheWordsReplaceCmdAndEntrypointReplacesEntrypoint()
    {
        ContainerDefinition words = Assert.Single(new AdHocOptions { Image = "alpine/git", Command = ["--version"] }.Definition("p").Containers);
        Assert.Null(words.Command);
        Assert.Equal(["--version"], words.Args);
        ContainerDefinition program = Assert.Single(new AdHocOptions
        {
            Image = "postgres", Entrypoint = AdHocOptions.ParseEntrypoint("/bin/sh"), Command = ["-c", "id"],
        }.Definition("p").Containers);
        Assert.Equal(["/bin/sh"], program.Command);
        Assert.Equal(["-c", "id"], program.Args);
        ContainerDefinition array = Assert.Single(new AdHocOptions { Image = "x", Entrypoint = AdHocOptions.ParseEntrypoint("[\"/bin/echo\", \"a b\"]") }.Definition("p").Containers);
        Assert.Equal(["/bin/echo", "a b"], array.Command);
        Assert.Null(array.Args);
        ContainerDefinition none = Assert.Single(new AdHocOptions { Image = "x", Entrypoint = AdHocOptions.ParseEntrypoint(""), Command = ["id", "-u"] }.Definition("p").Containers);
        Assert.Equal(["id", "-u"], none.Command);
        Assert.Null(none.Args);
    }

    [Theory]
    [InlineData("[\"/bin/sh\", 1]")]
    [InlineData("[\"/bin/sh\"")]
    public void AnEntrypointThatIsNoArrayOfStringsIsAnOptionError(string value)
    {
        var e = Assert.Throws<BadInputException>(() => AdHocOptions.ParseEntrypoint(value));
        Assert.StartsWith("--entrypoint: ", e.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<BadInputException>(() => new AdHocOptions { Image = "x", Entrypoint = [] }.Validate("p"));
        Assert.StartsWith("--entrypoint: an empty entrypoint needs the command", empty.Message, StringComparison.Ordinal);
    }

    /// <summary>Review of the docs, 2026-12-07, finding 3: the export dropped -i and -t without
    /// a word; installed as a service, a shell ended at once.</summary>
    [Fact]
    public void TheExportSaysWhatAServiceLacks()
    {
        Assert.Contains("\n# It ran with -it: as a service its stdin is empty and it has no terminal.\n",
            new AdHocOptions { Image = "x", Terminal = true }.ToYaml("p"), StringComparison.Ordinal);
        Assert.Contains("\n# It ran with -i: as a service its stdin is empty.\n", new AdHocOptions { Image = "x" }.ToYaml("p"), StringComparison.Ordinal);
    }
}

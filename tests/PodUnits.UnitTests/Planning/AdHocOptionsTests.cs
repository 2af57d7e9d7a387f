using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Planning.AdHoc;

namespace PodUnits.UnitTests.Planning;

/// <summary>`podunits run -i`'s options become one pod definition, checked before anything starts.</summary>
public sealed class AdHocOptionsTests
{
    [Fact]
    public void EveryOptionLandsWhereADefinitionWouldPutIt()
    {
        PodDefinition pod = new AdHocOptions
        {
            Image = "docker://busybox", Command = ["sh", "-c", "echo $$ $(HOME)"], Name = "try", Hostname = "box",
            Env = ["A=1", "B=x=y", "A=2"], WorkingDir = "/srv", User = "1000:100", Pull = "always", Memory = "256Mi", Cpus = "1.5",
            Network = InteractiveNetwork.Parse("host", []),
        }.Definition("pod-unused");
        Assert.Equal("try", pod.Name);
        Assert.Equal("box", pod.EffectiveHostname);
        Assert.Equal(RestartPolicy.Never, pod.RestartPolicy);
        Assert.True(pod.HostNetwork);
        ContainerDefinition c = Assert.Single(pod.Containers);
        Assert.Equal("docker://busybox", c.Image);
        Assert.Equal(["sh", "-c", "echo $$$$ $$(HOME)"], c.Command); // the definition's escapes: the shell sees "echo $$ $(HOME)"
        Assert.Equal([new EnvVar("A", "1"), new EnvVar("B", "x=y"), new EnvVar("A", "2")], c.Env);
        Assert.Equal("/srv", c.WorkingDir);
        Assert.Equal(1000, c.SecurityContext!.RunAsUser);
        Assert.Equal(100, c.SecurityContext.RunAsGroup);
        Assert.Equal(ImagePullPolicy.Always, c.ImagePullPolicy);
        Assert.Equal(256L * 1024 * 1024, c.Limits.MemoryBytes);
        Assert.Equal(1500, c.Limits.CpuMillis);
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
        Assert.Equal(ImagePullPolicy.IfNotPresent, c.ImagePullPolicy); // podman's --pull=missing
        Assert.Null(c.SecurityContext);
        Assert.Equal(ResourceLimits.None, c.Limits);
        Assert.NotEqual(generated, AdHocOptions.GenerateName());
    }

    [Theory]
    [InlineData("--name", "Try")]
    [InlineData("--hostname", "a_b")]
    [InlineData("--env", "NOVALUE")]
    [InlineData("--env", "=1")]
    [InlineData("--workdir", "srv")]
    [InlineData("--user", "root")]
    [InlineData("--user", "1:2:3")]
    [InlineData("--pull", "sometimes")]
    [InlineData("--memory", "lots")]
    [InlineData("--cpus", "0")]
    public void ABadValueNamesItsOption(string option, string value)
    {
        AdHocOptions options = option switch
        {
            "--name" => new() { Image = "busybox", Name = value },
            "--hostname" => new() { Image = "busybox", Hostname = value },
            "--env" => new() { Image = "busybox", Env = [value] },
            "--workdir" => new() { Image = "busybox", WorkingDir = value },
            "--user" => new() { Image = "busybox", User = value },
            "--pull" => new() { Image = "busybox", Pull = value },
            "--memory" => new() { Image = "busybox", Memory = value },
            _ => new() { Image = "busybox", Cpus = value },
        };
        var e = Assert.Throws<BadInputException>(() => options.Definition("pod-00000000"));
        Assert.StartsWith(option + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(value.Length > 0 ? value : "\"\"", e.Message, StringComparison.Ordinal);
    }
}

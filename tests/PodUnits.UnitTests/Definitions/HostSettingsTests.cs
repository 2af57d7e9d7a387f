using PodUnits.Definitions;
using PodUnits.Definitions.Host;

namespace PodUnits.UnitTests.Definitions;

/// <summary>/etc/podunits/podunits.yaml: allowedUnsafeSysctls checked as the kubelet checks
/// --allowed-unsafe-sysctls, errors at FILE:LINE:COLUMN like a definition's.</summary>
public sealed class HostSettingsTests
{
    private const string File = "/etc/podunits/podunits.yaml";

    private static string[] Errors(string yaml) => [.. HostSettings.Parse(yaml, File).Diagnostics.Select(d => d.ToString())];

    [Fact]
    public void AMissingFileMeansTheDefaults()
    {
        string path = Path.Combine(Path.GetTempPath(), $"podunits-{Guid.NewGuid():N}.yaml");
        HostSettings settings = HostSettings.Load(path);
        Assert.Empty(settings.Diagnostics);
        Assert.Empty(settings.AllowedUnsafeSysctls);
        Assert.Equal(path, settings.Source);
        Assert.Empty(HostSettings.Parse("", File).Diagnostics);
        Assert.Empty(HostSettings.Parse("# nothing yet\n", File).Diagnostics);
    }

    [Fact]
    public void PatternsAreNamesOrPrefixesInEitherForm()
    {
        HostSettings settings = HostSettings.Parse("""
            allowedUnsafeSysctls:
              - net.core.somaxconn
              - kernel.msg*
              - net/ipv4/conf/*
              - kernel.sem
            """, File);
        Assert.Empty(settings.Diagnostics);
        Assert.Equal(["net.core.somaxconn", "kernel.msg*", "net.ipv4.conf.*", "kernel.sem"], settings.AllowedUnsafeSysctls);
        Assert.True(settings.AllowsUnsafeSysctl("kernel.msgmax"));
        Assert.True(settings.AllowsUnsafeSysctl("net.ipv4.conf.all.forwarding"));
        Assert.False(settings.AllowsUnsafeSysctl("net.core.rmem_max"));
        Assert.False(settings.AllowsUnsafeSysctl("kernel.shmmax"));
    }

    [Theory]
    [InlineData("allowedUnsafeSysctls: [vm.swappiness]", "1:24: error: allowedUnsafeSysctls[0]: \"vm.swappiness\" is not known to be namespaced (only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.* are): a pod setting it would change the host")]
    [InlineData("allowedUnsafeSysctls: [\"*\"]", "1:24: error: allowedUnsafeSysctls[0]: \"*\" is not known to be namespaced (only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.* are): a pod setting it would change the host")]
    [InlineData("allowedUnsafeSysctls: [kernel.ms*]", "1:24: error: allowedUnsafeSysctls[0]: \"kernel.ms*\" is not known to be namespaced (only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.* are): a pod setting it would change the host")]
    [InlineData("allowedUnsafeSysctls: [net..core]", "1:24: error: allowedUnsafeSysctls[0]: \"net..core\" is not a sysctl name or a prefix ending in '*' (e.g. net.core.somaxconn, kernel.msg*)")]
    [InlineData("allowedUnsafeSysctls: [\"net.*.x\"]", "1:24: error: allowedUnsafeSysctls[0]: \"net.*.x\" is not a sysctl name or a prefix ending in '*' (e.g. net.core.somaxconn, kernel.msg*)")]
    [InlineData("allowedUnsafeSysctls: net.*", "1:23: error: allowedUnsafeSysctls: must be a list, found \"net.*\"")]
    [InlineData("allowedUnsafeSysctl: [net.*]", "1:1: error: unknown field \"allowedUnsafeSysctl\" in the top level; did you mean \"allowedUnsafeSysctls\"?")]
    [InlineData("userNamespaces: auto", "1:1: error: field \"userNamespaces\" in the top level is not supported yet")]
    [InlineData("[net.*]", "1:1: error: the manifest: must be a mapping, found a list")]
    public void MistakesAreErrorsAtTheirPosition(string yaml, string expected)
    {
        Assert.Equal([$"{File}:{expected}"], Errors(yaml));
    }

    [Fact]
    public void YamlSyntaxErrorsHaveTheirPosition()
    {
        Assert.StartsWith($"{File}:2:1: error: YAML syntax: ", Assert.Single(Errors("allowedUnsafeSysctls: [net.*\n")));
    }

    [Fact]
    public void LoadReadsTheFileItIsGiven()
    {
        string dir = Directory.CreateTempSubdirectory("podunits-settings").FullName;
        try
        {
            string path = Path.Combine(dir, "podunits.yaml");
            System.IO.File.WriteAllText(path, "allowedUnsafeSysctls: [net.core.somaxconn]\n");
            HostSettings settings = HostSettings.Load(path);
            Assert.Equal(["net.core.somaxconn"], settings.AllowedUnsafeSysctls);
            Assert.Equal(path, settings.Source);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

using PodUnits.Definitions;
using PodUnits.Definitions.Host;

namespace PodUnits.UnitTests.Definitions;

/// <summary>/etc/podunits/podunits.yaml: allowedUnsafeSysctls checked as the kubelet checks
/// --allowed-unsafe-sysctls, userNamespaces and userNamespacePool, errors at
/// FILE:LINE:COLUMN like a definition's.</summary>
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
        Assert.Equal(UserNamespacesDefault.Host, settings.UserNamespacesDefault);
        Assert.Equal(new UserNamespacePool(524288, 1878523904), settings.UserNamespacePool);
        Assert.Equal(2048, settings.PidsLimit); // podman's pids_limit
        Assert.Equal(path, settings.Source);
        Assert.Empty(HostSettings.Parse("", File).Diagnostics);
        Assert.Empty(HostSettings.Parse("# nothing yet\n", File).Diagnostics);
    }

    [Theory]
    [InlineData("pidsLimit: 512", 512)]
    [InlineData("pidsLimit: 0", 0)]
    public void PidsLimitIsANumberOfTasksOrZeroForNone(string yaml, long limit)
    {
        HostSettings settings = HostSettings.Parse(yaml, File);
        Assert.Empty(settings.Diagnostics);
        Assert.Equal(limit, settings.PidsLimit);
    }

    [Theory]
    [InlineData("pidsLimit: -1")]
    [InlineData("pidsLimit: many")]
    [InlineData("pidsLimit: 5000000")]
    public void APidsLimitOutOfRangeIsAnError(string yaml)
    {
        Assert.Single(Errors(yaml), e => e.StartsWith($"{File}:1:12: error: pidsLimit", StringComparison.Ordinal));
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
    [InlineData("userNamespaces: Auto", "1:17: error: userNamespaces: must be one of host, auto, found \"Auto\"; did you mean \"auto\"?")]
    [InlineData("userNamespaces: [auto]", "1:17: error: userNamespaces: must be a string, found a list")]
    [InlineData("userNamespace: auto", "1:1: error: unknown field \"userNamespace\" in the top level; did you mean \"userNamespaces\"?")]
    [InlineData("userNamespacePool: 65536", "1:20: error: userNamespacePool: must be a mapping, found \"65536\"")]
    [InlineData("userNamespacePool: {first: 65536}", "1:20: error: userNamespacePool: missing required field \"size\"")]
    [InlineData("userNamespacePool: {size: 65536}", "1:20: error: userNamespacePool: missing required field \"first\"")]
    [InlineData("userNamespacePool: {first: 65536, size: 65536, last: 131071}", "1:48: error: unknown field \"last\" in userNamespacePool")]
    [InlineData("userNamespacePool: {first: 0, size: 65536}", "1:28: error: userNamespacePool.first: must be between 65536 and 2147418112, found 0")]
    [InlineData("userNamespacePool: {first: 100000, size: 65536}", "1:28: error: userNamespacePool.first: must be a multiple of 65536 (each pod gets 65536 IDs), found 100000")]
    [InlineData("userNamespacePool: {first: 2147483648, size: 65536}", "1:28: error: userNamespacePool.first: must be between 65536 and 2147418112, found 2147483648")]
    [InlineData("userNamespacePool: {first: 65536, size: 0}", "1:41: error: userNamespacePool.size: must be between 65536 and 2147418112, found 0")]
    [InlineData("userNamespacePool: {first: 65536, size: 70000}", "1:41: error: userNamespacePool.size: must be a multiple of 65536 (each pod gets 65536 IDs), found 70000")]
    [InlineData("userNamespacePool: {first: 65536, size: lots}", "1:41: error: userNamespacePool.size: must be an integer, found \"lots\"")]
    [InlineData("userNamespacePool: {first: 2147418112, size: 131072}",
        "1:46: error: userNamespacePool: first + size must be at most 2147483648 (IDs from 2^31 up are avoided, as systemd's UIDS-GIDS.md advises), found 2147418112 + 131072 = 2147549184")]
    [InlineData("[net.*]", "1:1: error: the manifest: must be a mapping, found a list")]
    public void MistakesAreErrorsAtTheirPosition(string yaml, string expected)
    {
        Assert.Equal([$"{File}:{expected}"], Errors(yaml));
    }

    [Fact]
    public void UserNamespacesAndThePoolAreRead()
    {
        HostSettings settings = HostSettings.Parse("""
            userNamespaces: auto
            userNamespacePool:
              first: 65536
              size: 0x7fff0000
            """, File);
        Assert.Empty(settings.Diagnostics);
        Assert.Equal(UserNamespacesDefault.Auto, settings.UserNamespacesDefault);
        Assert.Equal(new UserNamespacePool(65536, 2147418112), settings.UserNamespacePool);
        Assert.Equal(32767, settings.UserNamespacePool.Count);
        Assert.Equal(UserNamespacesDefault.Host, HostSettings.Parse("userNamespaces: host\n", File).UserNamespacesDefault);
        Assert.Equal(28664, UserNamespacePool.Default.Count);
        Assert.Equal("524288-1879048191", UserNamespacePool.Default.ToString());
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

    [Fact]
    public void AFifoInPlaceOfTheFileIsAnErrorNotAHang()
    {
        string dir = Directory.CreateTempSubdirectory("podunits-settings-").FullName;
        try
        {
            string fifo = Path.Join(dir, "podunits.yaml");
            using (var made = System.Diagnostics.Process.Start("mkfifo", [fifo]))
            {
                made.WaitForExit();
                Assert.Equal(0, made.ExitCode);
            }
            HostSettings settings = HostSettings.Load(fifo);
            string error = Assert.Single(settings.Diagnostics).ToString();
            Assert.StartsWith(fifo, error, StringComparison.Ordinal);
            Assert.EndsWith("error: is not a regular file (a FIFO)", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ASysctlNameWithATrailingLineBreakIsNoName()
    {
        // A .NET "$" matches before a final "\n": the name reached /proc/sys/...\n.
        Assert.NotNull(SysctlNames.Explain("net.core.somaxconn\n"));
        Assert.Null(SysctlNames.Explain("net.core.somaxconn"));
    }
}

namespace PodUnits.IntegrationTests;

/// <summary>
/// Test classes that change /etc/podunits/podunits.yaml in a way every pod would feel (for
/// example `userNamespaces: auto`): xUnit runs this collection alone, after every collection
/// that runs in parallel, so no other test's pod starts under those settings.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostWideSettings
{
    public const string Name = "host-wide settings";

    public const string File = "/etc/podunits/podunits.yaml";

    /// <summary>Runs <paramref name="test"/> with <paramref name="yaml"/> as the host's
    /// settings file, removed afterwards whatever happens; the file must not be there before
    /// (left behind by another test, it would change this one).</summary>
    public static void With(string yaml, Action test)
    {
        ArgumentNullException.ThrowIfNull(test);
        Assert.False(System.IO.File.Exists(File), $"{File} left behind by another test");
        Directory.CreateDirectory("/etc/podunits");
        System.IO.File.WriteAllText(File, yaml);
        try
        {
            test();
        }
        finally
        {
            System.IO.File.Delete(File);
        }
    }
}

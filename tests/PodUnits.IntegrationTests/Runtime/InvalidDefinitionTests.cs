namespace PodUnits.IntegrationTests.Runtime;

/// <summary>The executor refuses an invalid definition with the validator's positioned
/// message and exit code 2, before it starts anything.</summary>
public sealed class InvalidDefinitionTests
{
    [Fact]
    public void RunRefusesAnInvalidDefinitionWithItsPosition()
    {
        using var pod = new PodHarness("rt-invalid",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: rt-invalid}\nspec:\n  containers:\n  - name: main\n    imagee: busybox\n");
        var run = PodHarness.Run("/usr/bin/podunits", "run", "rt-invalid");
        Assert.Equal(2, run.Code);
        Assert.Contains("/etc/podunits/pods/rt-invalid.yaml:6:5: spec.containers[0]: missing required field \"image\"", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal); // no stack trace
        Assert.False(Directory.Exists("/run/podunits/state/rt-invalid"), "nothing half-started");
    }
}

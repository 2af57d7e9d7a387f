using PodUnits.Core.Errors;
using PodUnits.Runtime.Plan;
using Xunit;

namespace PodUnits.UnitTests.Runtime.Plan;

/// <summary>
/// PlanReader reads what the serializer writes. The first test is the guard against drift:
/// a plan whose every property, at every depth, holds a value other than its default must
/// come back whole, so a property added to a plan type without a line in PlanReader fails here.
/// </summary>
public sealed class PlanReaderTests
{
    [Fact]
    public void APlanWithEveryPropertySetComesBackWhole()
    {
        PodPlan plan = FilledPlan.Create();
        string written = plan.ToJson();

        string reread = PodPlan.FromJson(written, "test").ToJson();

        Assert.Equal(written, reread);
        Assert.DoesNotContain("null", written, StringComparison.Ordinal); // every property was set
    }

    /// <summary>Where the reader is kinder than the serializer: the serializer sets init-only
    /// properties as constructor arguments and gives an absent one default(T) (0, null),
    /// not the class's default. Plans are always written whole; this matters for a plan.json
    /// written by another version.</summary>
    [Fact]
    public void AnAbsentPropertyGetsItsClassDefault()
    {
        const string sparse = """
            {"Name":"p","Hostname":"h","MachineId":"0123","StateDir":"/s",
             "Containers":[{"Name":"c","LowerDir":"/l","LayerDir":"/d",
               "Readiness":{"HttpGet":{"Port":80}},"Seccomp":{"Profile":"RuntimeDefault"},"PostStart":{"SleepSeconds":1}}],
             "ProjectedVolumes":[{"Name":"v","Path":"/run/v","Files":[{"Path":"f","Content":"aGk="}]}],
             "Network":{"Name":"n","ConfigPath":"/c","ConfigText":"{}","ContainerId":"x","PortMappings":[{"HostPort":1,"Protocol":"tcp"}]}}
            """;
        var classDefaults = new ContainerPlan { Name = "c", LowerDir = "/l", LayerDir = "/d" };

        PodPlan plan = PodPlan.FromJson(sparse, "test");

        Assert.Equal(new PodPlan { Name = "p", Hostname = "h", MachineId = "0123", StateDir = "/s" }.TerminationGracePeriodSeconds, plan.TerminationGracePeriodSeconds);
        Assert.Empty(plan.HostsLines);
        ContainerPlan c = Assert.Single(plan.Containers);
        Assert.Equal(classDefaults.PodEtcFiles, c.PodEtcFiles);
        Assert.Equal(classDefaults.WorkingDir, c.WorkingDir);
        Assert.Equal(classDefaults.Restart, c.Restart);
        Assert.Empty(c.Env);
        Assert.Equal(new ProbePlan().PeriodSeconds, c.Readiness!.PeriodSeconds);
        Assert.Equal(new ProbePlan().FailureThreshold, c.Readiness.FailureThreshold);
        Assert.Equal(new HttpGetPlan().Path, c.Readiness.HttpGet!.Path);
        Assert.Equal("default", c.Seccomp!.Origin);
        Assert.Equal(new ProjectedFilePlan { Path = "f", Content = [] }.Mode, plan.ProjectedVolumes[0].Files[0].Mode);
        Assert.Equal("hi"u8.ToArray(), plan.ProjectedVolumes[0].Files[0].Content);
        Assert.Equal("", plan.Network!.PortMappings[0].HostIP);
    }

    [Fact]
    public void UnknownPropertiesAreSkippedAtAnyDepth()
    {
        const string json = """
            {"Future":{"a":[1,{"b":null}]},"Name":"p","Hostname":"h","MachineId":"0123","StateDir":"/s",
             "Containers":[{"Later":[true],"Name":"c","LowerDir":"/l","LayerDir":"/d"}]}
            """;

        PodPlan plan = PodPlan.FromJson(json, "test");

        Assert.Equal("p", plan.Name);
        Assert.Equal("c", Assert.Single(plan.Containers).Name);
    }

    [Theory]
    [InlineData("""{"Hostname":"h","MachineId":"0123","StateDir":"/s"}""", "PodPlan has no Name")]
    [InlineData("""{"Name":"p","Hostname":"h","MachineId":"0123","StateDir":"/s","Containers":[{"Name":"c","LowerDir":"/l"}]}""", "ContainerPlan has no LayerDir")]
    [InlineData("""{"Name":"p","Hostname":"h","MachineId":"0123","StateDir":"/s","HostNetwork":"yes"}""", "not a plan")]
    [InlineData("""{"Name":"p","Hostname":"h","MachineId":"0123","StateDir":"/s","Containers":{}}""", "a list was expected")]
    [InlineData("""{"Name":"p","Hostname":"h","MachineId":"0123","StateDir":"/s","Containers":[{"Name":"c","LowerDir":"/l","LayerDir":"/d","Restart":7}]}""", "no restart policy 7")]
    [InlineData("""{"Name":"p","Hostname":"h","MachineId":"0123","StateDir":"/s"} {}""", "not a plan")]
    [InlineData("""{"Name":"p",""", "not a plan")]
    [InlineData("""[]""", "PodPlan: an object was expected")]
    public void ABrokenPlanIsRefusedNamingTheFileAndWhatIsWrong(string json, string expected)
    {
        var e = Assert.Throws<PodUnitsException>(() => PodPlan.FromJson(json, "/run/podunits/plan.json"));

        Assert.StartsWith("/run/podunits/plan.json: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using PodUnits.Runtime.Plan;
using Xunit;

namespace PodUnits.UnitTests.Runtime.Plan;

/// <summary>
/// The hand-written plan writer against System.Text.Json's serializer, which wrote plans
/// before it: the same bytes for a plan with every property set (a property added to a plan
/// type without a line in PlanWriter fails here) and for one with every optional property
/// absent, so plan.json files and PlanReader see no difference.
/// </summary>
public sealed class PlanWriterTests
{
    [Fact]
    public void APlanWithEveryPropertySetIsWrittenAsTheSerializerWritesIt()
    {
        PodPlan plan = FilledPlan.Create();

        string written = plan.ToJson();

        Assert.Equal(JsonSerializer.Serialize(plan, ReferencePlanJson.Default.PodPlan), written);
        Assert.DoesNotContain("null", written, StringComparison.Ordinal);
    }

    [Fact]
    public void NullsAndEscapesAreWrittenAsTheSerializerWritesThem()
    {
        var plan = new PodPlan
        {
            Name = "web",
            Hostname = "web",
            MachineId = "0123456789abcdef0123456789abcdef",
            StateDir = "/var/lib/podunits/pods/web",
            HostsLines = ["10.0.0.1 <db> & \"quoted\" 'single' é ✓ \u0001\t\n"],
            Network = new NetworkPlan { Name = "n", ConfigPath = "/c", ConfigText = "{\"cniVersion\": \"1.0.0\"}", ContainerId = "x" },
            Containers =
            [
                new ContainerPlan
                {
                    Name = "c",
                    LowerDir = "/l",
                    LayerDir = "/d",
                    Env = ["PATH=/usr/bin", "EMPTY=", "JSON={\"a\":[1,2]}\\"],
                    Seccomp = new SeccompPlan { Profile = "RuntimeDefault" },
                    Readiness = new ProbePlan { HttpGet = new HttpGetPlan { Port = 8080 } },
                    Restart = ContainerRestart.OnFailure,
                },
            ],
        };

        Assert.Equal(JsonSerializer.Serialize(plan, ReferencePlanJson.Default.PodPlan), plan.ToJson());
    }

    [Fact]
    public void WhatIsWrittenIsReadBackWhole()
    {
        PodPlan plan = FilledPlan.Create();

        PodPlan reread = PodPlan.FromJson(plan.ToJson(), "test");

        Assert.Equal(JsonSerializer.Serialize(plan, ReferencePlanJson.Default.PodPlan), JsonSerializer.Serialize(reread, ReferencePlanJson.Default.PodPlan));
    }
}

/// <summary>The serializer's form of a plan, which PlanWriter reproduces by hand (see there why).</summary>
[JsonSerializable(typeof(PodPlan))]
[JsonSourceGenerationOptions(WriteIndented = true, GenerationMode = JsonSourceGenerationMode.Serialization)]
internal sealed partial class ReferencePlanJson : JsonSerializerContext;

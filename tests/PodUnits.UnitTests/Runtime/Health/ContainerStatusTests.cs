using System.Text.Json.Nodes;
using PodUnits.Runtime.Health;
using Xunit;

namespace PodUnits.UnitTests.Runtime.Health;

/// <summary>containers.json, which `podunits status` and `list -o json` read back with
/// <see cref="ContainerStatus.Read"/>: every field, nulls included, and text that needs escaping.</summary>
public sealed class ContainerStatusTests
{
    [Fact]
    public void EveryFieldIsWrittenUnderItsName()
    {
        var running = new ContainerStatus("web")
        {
            State = "running", Ready = true, Started = true, Restarts = 2, Run = 2,
            StartedAt = new DateTime(2026, 12, 2, 21, 0, 0, DateTimeKind.Utc),
            LastExitCode = 137, LastExitReason = "OOMKilled",
            NotifyStatus = "serving", NotifyStatusRun = 2, PostStartDone = true, KilledBy = "liveness probe failed",
        };
        running.RecordProbe(ProbeKind.Liveness, "HTTP probe failed with statuscode: 500 \"<bad>\"");
        var waiting = new ContainerStatus("db");

        JsonArray written = Assert.IsType<JsonArray>(JsonNode.Parse(ContainerStatus.ToJson([running, waiting])));

        var expected = new JsonArray(
            new JsonObject
            {
                ["name"] = "web", ["state"] = "running", ["ready"] = true, ["started"] = true, ["postStartDone"] = true, ["restarts"] = 2,
                ["startedAt"] = "2026-12-02T21:00:00.0000000Z", ["restartAt"] = null, ["lastExitCode"] = 137,
                ["lastExitReason"] = "OOMKilled", ["lastProbe"] = "HTTP probe failed with statuscode: 500 \"<bad>\"", ["waitingOn"] = null, ["notifyStatus"] = "serving",
                ["killedBy"] = "liveness probe failed",
            },
            new JsonObject
            {
                ["name"] = "db", ["state"] = "waiting", ["ready"] = false, ["started"] = false, ["postStartDone"] = false, ["restarts"] = 0,
                ["startedAt"] = null, ["restartAt"] = null, ["lastExitCode"] = null,
                ["lastExitReason"] = null, ["lastProbe"] = null, ["waitingOn"] = null, ["notifyStatus"] = null, ["killedBy"] = null,
            });
        Assert.True(JsonNode.DeepEquals(expected, written), written.ToJsonString());
        Assert.Equal(expected.ToJsonString(), ContainerStatus.ToJson([running, waiting]));
    }

    /// <summary>Health review of 2026-12-07, finding 2: a passing liveness probe beside a
    /// failing readiness probe neither names what the start waits on nor counts as news at
    /// each turn.</summary>
    [Fact]
    public void WhatReadinessWaitsOnIsItsOwnProbesLastOutcome()
    {
        var s = new ContainerStatus("web") { State = "running", Started = true, Ready = false };
        Assert.True(s.RecordProbe(ProbeKind.Readiness, "readiness probe failed: HTTP probe failed with statuscode: 503"));
        Assert.True(s.RecordProbe(ProbeKind.Liveness, "liveness probe succeeded"));
        Assert.Equal("readiness probe failed: HTTP probe failed with statuscode: 503", s.WaitingOnProbe);
        // The same two outcomes again, in either order: nothing new.
        Assert.False(s.RecordProbe(ProbeKind.Liveness, "liveness probe succeeded"));
        Assert.False(s.RecordProbe(ProbeKind.Readiness, "readiness probe failed: HTTP probe failed with statuscode: 503"));
        Assert.Equal("readiness probe failed: HTTP probe failed with statuscode: 503", s.WaitingOnProbe);

        // Before its startup probe passes, that probe is what it waits on.
        var starting = new ContainerStatus("db") { State = "running", Started = false };
        starting.RecordProbe(ProbeKind.Startup, "startup probe failed: connection refused");
        starting.RecordProbe(ProbeKind.Readiness, "readiness probe succeeded");
        Assert.Equal("startup probe failed: connection refused", starting.WaitingOnProbe);

        // containers.json says it beside the last probe of any kind.
        JsonObject saved = Assert.IsType<JsonObject>(Assert.IsType<JsonArray>(JsonNode.Parse(ContainerStatus.ToJson([s])))[0]);
        Assert.Equal("readiness probe failed: HTTP probe failed with statuscode: 503", (string?)saved["waitingOn"]);

        // A new run waits on its own probes, not on what the run before's found.
        starting.RecordProbe(ProbeKind.Startup, "startup probe succeeded");
        starting.NewRun();
        Assert.Null(starting.WaitingOnProbe);
        Assert.True(starting.RecordProbe(ProbeKind.Startup, "startup probe succeeded"));

        // Probes that pass leave nothing to wait on.
        var ready = new ContainerStatus("ok") { State = "running", Started = true, Ready = true };
        ready.RecordProbe(ProbeKind.Readiness, "readiness probe succeeded");
        Assert.Null(ready.WaitingOnProbe);
    }
}

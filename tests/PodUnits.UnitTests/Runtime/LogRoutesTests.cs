using PodUnits.Core.Identity;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

/// <summary>Which way a container's lines take to the host journal (docs/process-model.md#journal).</summary>
public sealed class LogRoutesTests
{
    private const string PodId = "d997780100cd459ea0fb1662571e7fc6";

    private static LogRoutes Routes(string? unit, params KeyValuePair<string, string>[] unitFields) =>
        new("local", PodId, unit, unitFields, podJournal: null, podJournalFields: []);

    private static KeyValuePair<string, string>[] AllOf(string container) =>
        [.. PodIdentity.ContainerFields("local", PodId, container)];

    private static ContainerPlan C(string name) =>
        new() { Name = name, LowerDir = "/l", LayerDir = "/d", IdFull = PodIdentity.ContainerIdFull(PodId, name) };

    /// <summary>Logging review of 2026-12-07, finding 4: the warning counting a stream's lost
    /// lines is sent as the executor ends; read after its exit, it had no unit and was in
    /// neither `journalctl -u` nor `podunits logs`.</summary>
    [Fact]
    public void AWarningAboutLostLinesNamesTheUnitItIsAbout()
    {
        byte[] entry = LogRoutes.HostWarningEntry("container main (stdout): 37 lines of this stream did not reach it",
            [new("CONTAINER_NAME", "side")], "pod@local.service");
        List<KeyValuePair<string, string>> fields = [.. PodUnits.UnitTests.Journal.NativeEntry.Parse(entry)
            .Where(f => !f.Key.StartsWith("CODE_", StringComparison.Ordinal))
            .Select(f => new KeyValuePair<string, string>(f.Key, System.Text.Encoding.UTF8.GetString(f.Value)))];
        Assert.Equal([new("MESSAGE", "container main (stdout): 37 lines of this stream did not reach it"), new("PRIORITY", "4"),
            new("SYSLOG_IDENTIFIER", "podunits"), new("CONTAINER_NAME", "side"), new("OBJECT_SYSTEMD_UNIT", "pod@local.service")], fields);
    }

    [Fact]
    public void UnitFieldsHoldingEverythingMeanTheStreamPath()
    {
        LogRoutes routes = Routes("pod@local.service", AllOf("main"));
        Assert.True(routes.HostStream(C("main")));
        Assert.Empty(routes.FieldsPerLine(C("main")));
    }

    [Fact]
    public void AnotherContainerOfThePodStillSendsItsOwnFields()
    {
        LogRoutes routes = Routes("pod@local.service", AllOf("main"));
        Assert.False(routes.HostStream(C("side")));
        // Its POD_NAME and POD_ID are the unit's already; its CONTAINER_* are not.
        Assert.Equal(["CONTAINER_NAME", "CONTAINER_ID", "CONTAINER_ID_FULL"], routes.FieldsPerLine(C("side")).Select(f => f.Key));
    }

    [Fact]
    public void OnlyPodNameFromTheTemplateLeavesTheRestPerLine()
    {
        LogRoutes routes = Routes("pod@local.service", new KeyValuePair<string, string>("POD_NAME", "local"));
        Assert.False(routes.HostStream(C("main")));
        Assert.Equal(["CONTAINER_NAME", "CONTAINER_ID", "CONTAINER_ID_FULL", "POD_ID"], routes.FieldsPerLine(C("main")).Select(f => f.Key));
    }

    [Fact]
    public void AUnitFieldWithAnotherValueDoesNotCount()
    {
        // e.g. a drop-in from before the host's machine ID changed: the line carries the right one.
        KeyValuePair<string, string>[] stale = [.. AllOf("main").Select(f => f.Key == "POD_ID" ? new(f.Key, "0" + f.Value[1..]) : f)];
        LogRoutes routes = Routes("pod@local.service", stale);
        Assert.False(routes.HostStream(C("main")));
        Assert.Equal("POD_ID", Assert.Single(routes.FieldsPerLine(C("main"))).Key);
    }

    [Fact]
    public void WithoutAPodJournalTheHostsIsTheOnlyTarget()
    {
        IReadOnlyList<LogTarget> targets = Routes("pod@local.service", AllOf("main")).TargetsFor(C("main"), stderr: false);
        Assert.IsType<StreamLogTarget>(Assert.Single(targets));
    }

    [Fact]
    public void OutsideAServiceEveryLineIsADatagram() =>
        Assert.False(Routes(null, AllOf("main")).HostStream(C("main")));

    [Fact]
    public void AUnitGeneratedForAnotherContainerIsSaidToBeStale()
    {
        // Generated for a one-container pod whose container was "app"; the pod now has two.
        LogRoutes routes = Routes("pod@local.service", AllOf("app"));
        Assert.Null(routes.StaleUnitFields([C("app")]));
        string stale = routes.StaleUnitFields([C("app"), C("side")])!;
        Assert.Contains("CONTAINER_NAME=app", stale, StringComparison.Ordinal);
        Assert.Contains("systemctl daemon-reload", stale, StringComparison.Ordinal);
        Assert.NotNull(routes.StaleUnitFields([C("web")])); // renamed
        // A template's POD_NAME alone names no container: nothing stale.
        Assert.Null(Routes("pod@local.service", new KeyValuePair<string, string>("POD_NAME", "local")).StaleUnitFields([C("a"), C("b")]));
    }
}

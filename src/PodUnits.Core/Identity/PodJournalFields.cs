namespace PodUnits.Core.Identity;

/// <summary>
/// The journal field names PodUnits writes (docs/design.md, "Journal fields"), in one place
/// for every writer: the executor's per-line fields (<see cref="PodIdentity.ContainerFields(string, string, string)"/>),
/// stage 1's lifecycle entries (Runtime/Executor/PodEventLog), and stage 0's, the CLI's and
/// the generator's own log (PodUnits.Logging, whose Serilog properties PodName, ContainerName,
/// CodeFile... map to these names).
/// </summary>
public static class PodJournalFields
{
    public const string PodName = "POD_NAME";
    public const string PodId = "POD_ID";
    public const string ContainerName = "CONTAINER_NAME";
    public const string ContainerId = "CONTAINER_ID";
    public const string ContainerIdFull = "CONTAINER_ID_FULL";
    public const string ExitStatus = "EXIT_STATUS";

    /// <summary>SYSLOG_IDENTIFIER of PodUnits' own entries, and of pod@.service's stream
    /// (journald names a stream after the program systemd started: /usr/bin/podunits).</summary>
    public const string OwnIdentifier = "podunits";

    // Where in PodUnits' source a message comes from, as systemd's own log writes them
    // (systemd.journal-fields(7)).
    public const string CodeFile = "CODE_FILE";
    public const string CodeLine = "CODE_LINE";
    public const string CodeFunc = "CODE_FUNC";
}

namespace PodUnits.Journal;

/// <summary>
/// MESSAGE_ID values of PodUnits' lifecycle events (random 128-bit ids, generated once with
/// systemd-id128 new). packaging/catalog/podunits.catalog explains each one, so
/// <c>journalctl -x</c> shows the explanation; <c>journalctl MESSAGE_ID=...</c> finds them.
/// The catalog text refers to the POD_NAME (and CONTAINER_NAME, EXIT_STATUS) fields: log these
/// events with properties PodName, ContainerName, ExitStatus (the Serilog sink turns them
/// into those fields).
/// </summary>
public static class JournalMessageIds
{
    /// <summary>Every container of a pod has started (or passed its readiness probe).</summary>
    public const string PodStarted = "fab01f1b490242c188ec08ff0992a7b5";

    /// <summary>A pod was stopped on request and all its containers have ended.</summary>
    public const string PodStopped = "7507ac13d92d4312a944755840ba97c4";

    /// <summary>A pod failed: a container could not start or the pod ended with an error.</summary>
    public const string PodFailed = "47f8138c17ec4b04bb6a474a1f103986";

    /// <summary>One container of a pod exited.</summary>
    public const string ContainerExited = "081c01bc68744454afed010ab8cc050f";

    /// <summary>A probe of a container failed (PROBE, PROBE_OUTPUT).</summary>
    public const string ProbeFailed = "f1bf8ccf53444068ba27b68589ed3333";

    /// <summary>A container failed its liveness or startup probe and is killed.</summary>
    public const string ContainerUnhealthy = "3285eb31453449a7893c6361d11d3013";

    /// <summary>A container starts again after its back-off (RESTART_DELAY_SEC, RESTART_COUNT).</summary>
    public const string ContainerRestarting = "d4ee6ad7c7a241239ed04caca020c514";

    /// <summary>A container's readiness changed after the pod became ready (READY).</summary>
    public const string ReadinessChanged = "2173c70538a94800a35ddb24f8ca62d3";

    /// <summary>A container's postStart or preStop hook failed (HOOK, HOOK_OUTPUT).</summary>
    public const string HookFailed = "507621239c1645d9af95f25118a4505b";

    /// <summary>`podunits auto-update` moved a pod to a new image and it became ready (IMAGE, OLD_DIGEST, NEW_DIGEST).</summary>
    public const string PodAutoUpdated = "e6c041a101814887b5b2eba06d5aed0c";

    /// <summary>A pod did not become ready on its new image and runs its old one again.</summary>
    public const string PodAutoUpdateRolledBack = "7588610c49874c5181789845be23b141";

    /// <summary>An auto-update could not be done or rolled back (ERROR).</summary>
    public const string PodAutoUpdateFailed = "f7e5164622ef4309afb4098dde183407";

    /// <summary>The property that makes the Serilog sink set MESSAGE_ID, e.g.
    /// <c>ForContext(JournalMessageIds.PropertyName, JournalMessageIds.PodStarted)</c>.</summary>
    public const string PropertyName = "MessageId";
}

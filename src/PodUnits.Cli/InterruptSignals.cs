using System.Runtime.InteropServices;

namespace PodUnits.Cli;

/// <summary>
/// For a verb that leaves something to undo when it is cut short (a half-written archive,
/// tags moved to images not yet proven): SIGINT, SIGTERM, SIGHUP and SIGQUIT cancel <see cref="Token"/>
/// instead of ending the process by their default action, so that the verb's own clean-up
/// runs, and CliApp turns the cancellation into "interrupted", exit 130. The CLI leaves
/// System.CommandLine's own handling off (CliApp: other verbs' signals are their own), so a
/// verb without one of these ends at once, as a plain Unix tool does. A second signal
/// ends the process by its default action: a clean-up that hangs can still be cut short.
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public InterruptSignals(CancellationToken outer)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _registrations = [.. Signals.Select(s => PosixSignalRegistration.Create(s, OnSignal))];
    }

    /// <summary>The signals handled. SIGQUIT too: Ctrl-\ is a terminal's way to stop a
    /// command as much as Ctrl-C, and by its default action it left the hidden half-written
    /// archive of `image export` and the tags `auto-update` had moved (CLI review of
    /// 2026-12-07, finding 1).</summary>
    internal static readonly PosixSignal[] Signals = [PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT];

    /// <summary>Cancelled by the first signal (or the caller's token).</summary>
    public CancellationToken Token => _cancel.Token;

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) > 1)
        {
            return; // the default action: the process ends
        }
        context.Cancel = true;
        Core.Errors.Interruption.Note();
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // A signal .NET delivered as the verb finished (a handler may run after its
            // registration is disposed): nothing is left to cancel.
        }
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }
        _cancel.Dispose();
    }
}

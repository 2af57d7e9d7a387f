using System.Runtime.CompilerServices;
using PodUnits.Logging;
using Serilog.Core;
using Serilog.Events;

namespace PodUnits.Generator;

/// <summary>
/// Where the generator reports, through PodUnits' one logging path (PodUnits.Logging).
/// Generators run before the journal is up, so messages go to /dev/kmsg (journald picks them
/// up later; systemd.generator(7), "Notes"), falling back to stderr where /dev/kmsg cannot be
/// opened (a dry run in a terminal, a container). Counts errors: any makes the exit status 1.
/// </summary>
public sealed class GeneratorLog : IDisposable
{
    public const string Identifier = "podunits-generator";
    private readonly Logger _logger;

    private GeneratorLog(Logger logger) => _logger = logger;

    public int Errors { get; private set; }

    /// <summary>kmsg when asked for and writable, stderr otherwise.</summary>
    public static GeneratorLog Open(bool preferKmsg) =>
        new(PodUnitsLogging.Create(Identifier, verbose: false, preferKmsg ? LogDestination.Kmsg : LogDestination.Stderr));

    /// <summary>"podunits-generator: ..." lines to <paramref name="writer"/> (tests).</summary>
    public static GeneratorLog ForWriter(TextWriter writer) =>
        new(new Serilog.LoggerConfiguration().WriteTo.Sink(new StderrSink(Identifier, verbose: false, writer)).CreateLogger());

    public void Error(string message, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "")
    {
        Errors++;
        _logger.Write(PodLog.Event(LogEventLevel.Error, message, default, null, file, line, function));
    }

    public void Warning(string message, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "") =>
        _logger.Write(PodLog.Event(LogEventLevel.Warning, message, default, null, file, line, function));

    public void Dispose() => _logger.Dispose();
}

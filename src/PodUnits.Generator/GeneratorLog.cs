namespace PodUnits.Generator;

/// <summary>
/// Where the generator reports. Generators run before the journal is up, so messages go to
/// /dev/kmsg (journald picks them up later), falling back to stderr where /dev/kmsg cannot
/// be opened (a dry run in a terminal, a container). See systemd.generator(7), "Notes".
/// </summary>
public sealed class GeneratorLog : IDisposable
{
    private const int PriorityError = 3;
    private const int PriorityWarning = 4;
    private const int PriorityInfo = 6;
    private readonly TextWriter _writer;
    private readonly bool _kmsg;
    private readonly string _tag;

    private GeneratorLog(TextWriter writer, bool kmsg, string tag)
    {
        _writer = writer;
        _kmsg = kmsg;
        _tag = tag;
    }

    public int Errors { get; private set; }

    /// <summary>kmsg when asked for and writable, stderr otherwise.</summary>
    public static GeneratorLog Open(bool preferKmsg)
    {
        string tag = $"podunits-generator[{Environment.ProcessId}]";
        if (preferKmsg)
        {
            try
            {
                var kmsg = new StreamWriter(new FileStream("/dev/kmsg", FileMode.Open, FileAccess.Write)) { AutoFlush = true };
                return new GeneratorLog(kmsg, kmsg: true, tag);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // No /dev/kmsg here: report on stderr instead.
            }
        }
        return new GeneratorLog(Console.Error, kmsg: false, tag);
    }

    /// <summary>Plain "podunits-generator: ..." lines to <paramref name="writer"/> (tests, dry runs).</summary>
    public static GeneratorLog ForWriter(TextWriter writer) => new(writer, kmsg: false, "podunits-generator");

    public void Error(string message)
    {
        Errors++;
        Write(PriorityError, message);
    }

    public void Warning(string message) => Write(PriorityWarning, message);

    public void Info(string message) => Write(PriorityInfo, message);

    private void Write(int priority, string message)
    {
        // kmsg takes one record per write, "<PRIORITY>TAG: MESSAGE".
        _writer.Write(_kmsg ? $"<{priority}>{_tag}: {message}\n" : $"podunits-generator: {message}\n");
    }

    public void Dispose()
    {
        if (_kmsg)
        {
            _writer.Dispose();
        }
    }
}

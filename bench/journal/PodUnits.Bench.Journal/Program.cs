// PodUnits' side of bench/journal/run.sh: N small entries, the same fields as sd_send.c.
//   PodUnits.Bench.Journal client|serilog|stream N RUN_ID
//     -> prints "<realtime ns of the first send> <ns spent sending> <process CPU ns>"
// "client" is what the executor does per container line (JournalClient + a reused builder);
// "serilog" goes through the JournaldSink, as PodUnits' own log messages do; "stream" writes
// lines to one stream-protocol connection (identifier RUN_ID), the StandardOutput=journal path.
using System.Diagnostics;
using System.Globalization;
using PodUnits.Journal;
using PodUnits.Logging;
using Serilog;

if (args.Length != 3 || !long.TryParse(args[1], out long count) || args[0] is not ("client" or "serilog" or "stream"))
{
    Console.Error.WriteLine("usage: PodUnits.Bench.Journal client|serilog|stream N RUN_ID");
    return 2;
}
string run = args[2];
long first = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
var clock = Stopwatch.StartNew();
if (args[0] == "client")
{
    JournalClient client = JournalClient.Shared;
    using var entry = new JournalEntryBuilder();
    entry.AddPriority(JournalPriority.Informational).Add(JournalFieldName.SyslogIdentifier, "bench")
        .Add("CONTAINER_NAME", "web").Add("BENCH_RUN", run);
    int shared = entry.Length;
    Span<char> message = stackalloc char[64];
    "bench line ".CopyTo(message);
    for (long i = 0; i < count; i++)
    {
        i.TryFormat(message[11..], out int digits, default, CultureInfo.InvariantCulture);
        entry.ResetTo(shared);
        client.Send(entry.Add(JournalFieldName.Message, message[..(11 + digits)]));
    }
}
else if (args[0] == "stream")
{
    using var stream = new BufferedStream(JournalStream.Open(run), 64 * 1024);
    using var writer = new StreamWriter(stream);
    for (long i = 0; i < count; i++)
    {
        writer.Write("bench line ");
        writer.Write(i);
        writer.Write('\n');
    }
}
else
{
    using var logger = new LoggerConfiguration()
        .WriteTo.Sink(new JournaldSink(JournalClient.Shared, "bench")).CreateLogger();
    ILogger log = logger.ForContext("ContainerName", "web").ForContext("BenchRun", run);
    for (long i = 0; i < count; i++)
    {
        log.Information("bench line {Line}", i);
    }
}
long sending = clock.Elapsed.Ticks * 100;
Console.WriteLine($"{first} {sending} {Process.GetCurrentProcess().TotalProcessorTime.Ticks * 100}");
return 0;

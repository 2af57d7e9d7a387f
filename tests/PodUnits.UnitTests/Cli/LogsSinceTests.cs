using PodUnits.Cli.Commands;
using PodUnits.Core.Errors;

namespace PodUnits.UnitTests.Cli;

public sealed class LogsSinceTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    /// <summary>CLI review of 2026-12-06, finding 4: a duration reaching back before year 1
    /// threw from the subtraction, an internal error.</summary>
    [Theory]
    [InlineData("20000000h")]
    [InlineData("500000h")]
    public void ADurationBackBeforeTheEpochIsTheWholeJournal(string value) =>
        Assert.Equal(DateTimeOffset.UnixEpoch, LogsSince.Parse(value, Now, "--until"));

    [Theory]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("2.5s", 2.5)]
    [InlineData("1500ms", 1.5)]
    [InlineData("0", 0)]
    public void GoDurationsLookBackFromNow(string value, double seconds) =>
        Assert.Equal(Now - TimeSpan.FromSeconds(seconds), LogsSince.Parse(value, Now));

    [Theory]
    [InlineData("2026-12-04T10:00:00Z", "2026-12-04T10:00:00+00:00")]
    [InlineData("2026-12-04T10:00:00.25+02:00", "2026-12-04T08:00:00.25+00:00")]
    [InlineData("2026-12-04 10:00:00Z", "2026-12-04T10:00:00+00:00")]
    public void TimesWithAZoneAreThatInstant(string value, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), LogsSince.Parse(value, Now));

    [Fact]
    public void ATimeWithoutAZoneIsLocal() =>
        Assert.Equal(new DateTimeOffset(new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Local)), LogsSince.Parse("2026-12-04 10:00", Now));

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-5m")]
    [InlineData("10")]
    [InlineData("5 min")]
    [InlineData("2026-13-01")]
    public void AnythingElseSaysWhatItTakes(string value)
    {
        var e = Assert.Throws<BadInputException>(() => LogsSince.Parse(value, Now));
        Assert.Equal($"--since '{value}': is neither a duration back from now (10m, 1h30m, 45s) nor a time (2026-12-04T10:00:00Z, 2026-12-04 10:00:00, 2026-12-04)", e.Message);
    }

    [Fact]
    public void JournalctlGetsSecondsSinceTheEpoch() =>
        Assert.Equal("--since=@1733300000.123", LogsSince.JournalctlArgument(DateTimeOffset.FromUnixTimeMilliseconds(1733300000123)));

    [Fact]
    public void UntilTakesTheSameFormsAndIsNamedInItsError()
    {
        Assert.Equal(Now - TimeSpan.FromMinutes(5), LogsSince.Parse("5m", Now, "--until"));
        Assert.Equal("--until=@1733300000.123", LogsSince.JournalctlArgument(DateTimeOffset.FromUnixTimeMilliseconds(1733300000123), "--until"));
        var e = Assert.Throws<BadInputException>(() => LogsSince.Parse("soon", Now, "--until"));
        Assert.StartsWith("--until 'soon': is neither a duration back from now", e.Message, StringComparison.Ordinal);
    }
}

using PodUnits.Runtime.Health;

namespace PodUnits.UnitTests.Runtime.Health;

/// <summary>Terminal review of 2026-12-06, finding 1: a probe's message carries what the
/// container answered (a gRPC server's grpc-message, percent-decoded), and `podunits status`
/// and the unit's STATUS= show it on the administrator's terminal.</summary>
public sealed class ProbeOutcomeTests
{
    [Theory]
    [InlineData("rpc error: code = Unavailable desc = \u001b]0;owned\u0007", "rpc error: code = Unavailable desc =  ]0;owned ")]
    [InlineData("two\nlines\r", "two lines ")]
    [InlineData("plain", "plain")]
    public void AMessageIsOneLineWithoutControlCharacters(string message, string shown)
    {
        Assert.Equal(shown, ProbeOutcome.Failed(message).Message);
        Assert.Equal(shown, new ProbeOutcome(true, message).Message);
        Assert.Equal(shown, (ProbeOutcome.Passed("x") with { Message = message }).Message);
    }
}

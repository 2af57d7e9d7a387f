using PodUnits.Core.Naming;

namespace PodUnits.UnitTests.Core;

/// <summary>pod@NAME.service, formed and read back.</summary>
public sealed class PodUnitNamesTests
{
    [Theory]
    [InlineData("pod@web.service", "web")]
    [InlineData("pod@rt-backoff.service", "rt-backoff")]
    [InlineData("pod@.service", null)]
    [InlineData("pod@Web.service", null)] // not a pod name
    [InlineData("pod@web.socket", null)]
    [InlineData("podunits-web-main.scope", null)]
    [InlineData("session-1.scope", null)]
    public void ThePodOfItsServiceIsItsInstanceName(string unit, string? pod) => Assert.Equal(pod, PodUnitNames.PodOfService(unit));

    [Fact]
    public void ServiceAndPodOfServiceAreInverses() => Assert.Equal("db-1", PodUnitNames.PodOfService(PodUnitNames.Service("db-1")));
}

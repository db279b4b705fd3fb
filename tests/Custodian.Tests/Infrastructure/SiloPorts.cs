namespace Custodian.Tests.Infrastructure;

/// <summary>A silo's three ports: silo-to-silo, the Orleans gateway (clients) and the admin HTTPS endpoint (dashboard).</summary>
public sealed record SiloPorts(int Silo, int Gateway, int Admin)
{
    /// <summary>Three free ports.</summary>
    public static SiloPorts Free() => new(FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
}

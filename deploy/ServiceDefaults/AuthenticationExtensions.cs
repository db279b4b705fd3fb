using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Custodian.Hosting;

/// <summary>JWT bearer authentication shared by the gateway and the silo's admin endpoint.</summary>
public static class AuthenticationExtensions
{
    /// <summary>The cookie the silo's admin endpoint keeps an operator's token in after <c>/login</c>.</summary>
    public const string OperatorCookie = "custodian_operator";

    /// <summary>
    /// Adds JWT bearer authentication from the <c>Jwt</c> section: tokens for the gateway's audience, or
    /// with <paramref name="dashboard"/> for the dashboard's, which may then also come from
    /// <see cref="OperatorCookie"/>, so a browser can open the dashboard. Either way a token may live at
    /// most <see cref="JwtOptions.MaximumLifetime"/>.
    /// </summary>
    public static IHostApplicationBuilder AddCustodianAuthentication(this IHostApplicationBuilder builder, bool dashboard = false)
    {
        var jwt = builder.AddCustodianOptions<JwtOptions>(JwtOptions.Section);
        // Resolved now, so a missing or malformed key stops the service at start-up, not at the first call.
        var signingKey = string.IsNullOrWhiteSpace(jwt.Authority) ? jwt.ResolveSigningKey() : null;
        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                // A token is validated once, then taken from memory until it expires (at most five minutes).
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new ValidatedTokens(TimeProvider.System));
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = dashboard ? jwt.DashboardAudience : jwt.Audience,
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = jwt.ClockSkew,
                    NameClaimType = CustodianClaims.Subject,
                    RoleClaimType = CustodianClaims.Roles,
                    LifetimeValidator = (notBefore, expires, token, parameters) => TokenLifetime.IsAcceptable(notBefore, expires, token, parameters, jwt.MaximumLifetime),
                };
                if (signingKey is not null)
                {
                    options.TokenValidationParameters.IssuerSigningKey = signingKey;
                    options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
                else
                {
                    options.Authority = jwt.Authority;
                }

                if (dashboard)
                {
                    options.Events = new JwtBearerEvents
                    {
                        OnMessageReceived = context =>
                        {
                            if (string.IsNullOrEmpty(context.Token)
                                && context.Request.Cookies.TryGetValue(OperatorCookie, out var token))
                            {
                                context.Token = token;
                            }

                            return Task.CompletedTask;
                        },
                    };
                }
            });
        builder.Services.AddAuthorization();
        return builder;
    }
}

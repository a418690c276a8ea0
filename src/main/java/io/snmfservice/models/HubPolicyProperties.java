package io.snmfservice.models;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code snmf.models.hub.*}: which hub models non-admin keys may register and how much one
 * download may take.
 *
 * @param allowedRepos repository patterns ({@code org/name}, {@code org/*}) that submitters may register and for
 *     which the server's hub token is sent; empty means submitters register no hub models and the token is never
 *     sent (admins may still register any repository, downloaded anonymously)
 * @param maxDownloadBytes most bytes one model snapshot may have, checked against the hub's announced sizes
 *     before anything is fetched
 * @param minFreeBytes free space the hub cache volume keeps: a download that would leave less is refused
 */
@ConfigurationProperties("snmf.models.hub")
public record HubPolicyProperties(
    @DefaultValue List<String> allowedRepos,
    @DefaultValue("20GB") DataSize maxDownloadBytes,
    @DefaultValue("5GB") DataSize minFreeBytes) {}

-- Argo CD health of a VmClone (or a claim on a VmClonePool), from the status the operator writes.
local hs = { status = "Progressing", message = "waiting for the operator" }
local function readyCondition(status)
  if status.conditions ~= nil then
    for _, c in ipairs(status.conditions) do
      if c.type == "Ready" then return c end
    end
  end
  return nil
end
if obj.status == nil then return hs end
if obj.status.observedGeneration ~= nil and obj.metadata.generation ~= nil
    and obj.status.observedGeneration < obj.metadata.generation then
  hs.message = "the operator has not seen this generation yet"
  return hs
end
local ready = readyCondition(obj.status)
local message = ready ~= nil and (ready.reason .. ": " .. ready.message) or ("phase " .. tostring(obj.status.phase))
local phase = obj.status.phase
if phase == "Running" then
  hs.status = "Healthy"
elseif phase == "Paused" then
  -- spec.running: false, as asked
  hs.status = "Suspended"
elseif phase == "Succeeded" then
  hs.status = "Healthy"
elseif phase == "Failed" then
  hs.status = "Degraded"
else
  -- Pending (waiting for its template or pool), Restoring
  hs.status = "Progressing"
end
if obj.status.claim ~= nil and obj.status.claim.path ~= nil and hs.status == "Healthy" then
  message = message .. " (claimed from VmClonePool " .. tostring(obj.status.claim.pool) .. ", " .. obj.status.claim.path .. ")"
end
hs.message = message
return hs
